// Package badtags has protos with bad markers and tags.
package badtags

import "github.com/teggo/teggo/proto"

// BadAccess has a bad access tag.
type BadAccess struct {
	proto.Singleton `access:"protected"`
}

// BadMarkerKey misspells a marker key.
type BadMarkerKey struct {
	proto.Singleton `nmae:"x" Name:"y"`
}

// BuiltinQualifier sets a built-in qualifier.
type BuiltinQualifier struct {
	proto.Context `qualifier:"initType=singleton"`
}

// BadFields has every kind of bad field tag.
type BadFields struct {
	proto.Singleton

	A int    `injects:""`
	B int    `inject:"" optional:"yes"`
	C int    `optional:"true"`
	D int    `inject:"a b"`
	E int    `inject:"" qualifier:"novalue"`
	F int    `inject:"" group:"g"`
	G []int  `inject:"x" group:"g"`
	H string `inject:"" qualifier:"k=v,k=w"`
}

// Late has its marker second.
type Late struct {
	A int
	proto.Singleton
}

// Named has a named marker field.
type Named struct {
	S proto.Singleton
}

// Pointer embeds a pointer to the marker.
type Pointer struct {
	*proto.Singleton
}

// Two has two markers.
type Two struct {
	proto.Singleton
	proto.Context
}

// Generic is a generic proto.
type Generic[T any] struct {
	proto.Singleton
	V T
}
