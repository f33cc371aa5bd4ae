package proto

// Decl is implemented by every declaration a container keeps besides its
// protos — pointcuts and crosscuts, HTTP controllers and routes, jobs and
// strategies, event handlers — for the subsystem that reads it. A value
// given to Register that is neither a proto, a Descriptor, a Module nor a
// Decl is refused at Build, naming the value.
type Decl interface {
	// DeclaredAt returns where the declaration was made, "file:line", or
	// "" when unknown.
	DeclaredAt() string
}
