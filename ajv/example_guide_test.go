package ajv_test

// The snippets of docs/validation.md, compiled and run.

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/teggo/teggo/ajv"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

// SyncPackageTaskType is cnpmcore's sync task body.
type SyncPackageTaskType struct {
	Fullname         string  `json:"fullname" transform:"trim" jsonschema:"maxLength=100"`
	Tips             string  `json:"tips" transform:"trim" jsonschema:"maxLength=1024"`
	SkipDependencies bool    `json:"skipDependencies"`
	SyncDownloadData bool    `json:"syncDownloadData"`
	Force            bool    `json:"force"`
	RegistryName     *string `json:"registryName,omitempty"`
}

type TaskController struct {
	proto.Singleton
	Ajv   *ajv.Ajv   `inject:""` // tegg: @Inject() ajv: Ajv
	Queue *TaskQueue `inject:""`
}

func (c *TaskController) Sync(ctx context.Context, task SyncPackageTaskType) error {
	if err := c.Ajv.Validate(&task); err != nil { // trims, then validates
		return err // *ajv.InvalidParamError → 422
	}
	return c.Queue.Add(ctx, task)
}

// TaskQueue keeps the accepted tasks.
type TaskQueue struct {
	proto.Singleton
	mu    sync.Mutex
	tasks []SyncPackageTaskType
}

func (q *TaskQueue) Add(ctx context.Context, task SyncPackageTaskType) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tasks = append(q.tasks, task)
	return nil
}

// The container injects its *ajv.Ajv into a controller.
func Example_injected() {
	c := container.New()
	c.Register(new(ajv.Ajv), new(TaskQueue), new(TaskController))
	if err := c.Build(context.Background()); err != nil {
		panic(err)
	}
	ctl, _ := container.Lookup[*TaskController](c)
	fmt.Println(ctl.Sync(context.Background(), SyncPackageTaskType{Fullname: "  teggo  "}))
	err := ctl.Sync(context.Background(), SyncPackageTaskType{Tips: string(make([]byte, 1025))})
	var invalid *ajv.InvalidParamError
	fmt.Println(errors.As(err, &invalid), invalid.Errors[0].InstancePath, invalid.Errors[0].Message)
	fmt.Printf("%q\n", ctl.Queue.tasks[0].Fullname)
	// Output:
	// <nil>
	// true /tips must NOT have more than 1024 characters
	// "teggo"
}

// SyncPackageTaskRule is cnpmcore's typebox schema, as JSON:
// Type.Object({ fullname: Type.String({ transform: [TransformEnum.trim], maxLength: 100 }) })
const SyncPackageTaskRule = `{"type":"object","properties":{
  "fullname":{"type":"string","transform":["trim"],"maxLength":100}},
  "required":["fullname"],"additionalProperties":false}`

func ExampleCompile() {
	s, err := ajv.Compile([]byte(SyncPackageTaskRule)) // compile once
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Validate([]byte(`{"fullname":"  teggo  "}`))) // validate many
	fmt.Println(s.Validate([]byte(`{"fullname":1,"force":true}`)))
	// Output:
	// <nil>
	// TEGGO_VALIDATION_FAILED: data must NOT have additional properties; data/fullname must be string
}

func ExampleWithBackend() {
	for _, v := range []*ajv.Ajv{
		ajv.New(), // gojsonschema (default)
		ajv.New(ajv.WithBackend(ajv.SanthoshBackend())), // santhosh-tekuri/jsonschema v6
		ajv.New(ajv.WithBackend(ajv.NativeBackend())),   // teggo's own compiled validator
		ajv.New(ajv.WithBackend(ajv.FallbackBackend(ajv.NativeBackend(), ajv.GoJSONSchemaBackend()))),
	} {
		fmt.Println(v.Backend())
	}
	// Output:
	// gojsonschema
	// santhosh-tekuri/jsonschema
	// native
	// native|gojsonschema
}

func ExampleFallbackBackend() {
	backend := ajv.FallbackBackend(ajv.NativeBackend(), ajv.SanthoshBackend()) // Name(): "native|santhosh-tekuri/jsonschema"
	v := ajv.New(ajv.WithBackend(backend))

	_, err := ajv.New(ajv.WithBackend(ajv.NativeBackend())).Compile([]byte(`{"minContains":1}`))
	fmt.Println(errors.Is(err, errors.ErrUnsupported)) // the native backend refuses it
	s, err := v.Compile([]byte(`{"minContains":1}`))   // so santhosh compiles it (gojsonschema would refuse it too)
	fmt.Println(err, s.Validate([]byte(`[]`)))
	// Output:
	// true
	// <nil> <nil>
}
