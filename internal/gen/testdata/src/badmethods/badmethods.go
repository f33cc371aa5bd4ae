// Package badmethods has a proto with a method that cannot be proxied.
package badmethods

import (
	"github.com/teggo/teggo/internal/gen/testdata/src/helper"
	"github.com/teggo/teggo/proto"
)

// Svc embeds a type whose Secret method mentions an unexported type.
type Svc struct {
	proto.Singleton `access:"public"`
	helper.Widget
}

// Broken has a type error in a field.
type Broken struct {
	proto.Singleton
	Dep Missing `inject:""`
}
