// Package privmod holds protos for the container's access tests: a private
// proto, and a public proto that injects it from inside its own package.
package privmod

import "github.com/teggo/teggo/proto"

// Secret is private: only protos of this package may inject it.
type Secret struct {
	proto.Singleton
}

// Gate is public and injects Secret from the same package.
type Gate struct {
	proto.Singleton `access:"public"`
	Secret          *Secret `inject:""`
}
