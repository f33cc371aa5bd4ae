// Package proto is teggo's declaration vocabulary: the markers that make a
// struct a proto, the struct-tag grammar of inject sites, the lifecycle
// interfaces the container detects, and the Descriptor/Module types through
// which a package hands its protos to a container.
//
// A proto is a struct whose first embedded field is a marker:
//
//	type TopicService struct {
//		proto.Singleton `name:"topicService" access:"public"`
//
//		Repo  TopicRepo    `inject:""`
//		Cache Cache        `inject:"redisCache"`
//		Audit *AuditLog    `inject:"" optional:"true"`
//		Log   *slog.Logger `inject:""`
//	}
//
// The marker decides the scope (tegg's initType): Singleton, Context or
// AlwaysNew. Its tags give the name (default: the type name in lowerCamel),
// the access (private by default: injectable only from the same Go package)
// and qualifiers (`qualifier:"k=v,k2=v2"`).
//
// Package proto has no behaviour of its own; package container reads it.
package proto
