package ajv_test

import (
	"errors"
	"fmt"

	"github.com/teggo/teggo/ajv"
)

type SyncPackageTask struct {
	Fullname     string  `json:"fullname" transform:"trim" jsonschema:"maxLength=100"`
	Tips         string  `json:"tips" transform:"trim" jsonschema:"minLength=2,maxLength=1024"`
	Force        bool    `json:"force"`
	RegistryName *string `json:"registryName,omitempty" jsonschema:"enum=npm,enum=cnpm"`
}

func ExampleAjv_Validate() {
	validator := ajv.New()

	task := &SyncPackageTask{Fullname: "  teggo  ", Tips: " x "}
	err := validator.Validate(task)

	fmt.Printf("fullname after trim: %q\n", task.Fullname)
	var invalid *ajv.InvalidParamError
	if errors.As(err, &invalid) {
		for _, v := range invalid.Errors {
			fmt.Println(v.InstancePath, v.Keyword, v.Params, v.Message)
		}
	}
	// Output:
	// fullname after trim: "teggo"
	// /tips minLength map[limit:2] must NOT have fewer than 2 characters
}

func ExampleAjv_ValidateJSON() {
	validator := ajv.New()
	// A typebox schema: Type.Object({ fullname: Type.String({ transform: [TransformEnum.trim], maxLength: 5 }), force: Type.Boolean() })
	schema := []byte(`{"type":"object","additionalProperties":false,
		"properties":{"fullname":{"type":"string","transform":["trim"],"maxLength":5},"force":{"type":"boolean"}},
		"required":["fullname","force"]}`)

	fmt.Println(validator.ValidateJSON(schema, []byte(`{"fullname":"  abc  ","force":true}`)))

	err := validator.ValidateJSON(schema, []byte(`{"fullname":"toolong","x":1}`))
	var invalid *ajv.InvalidParamError
	if errors.As(err, &invalid) {
		for _, v := range invalid.Errors {
			fmt.Printf("%q %s %s\n", v.InstancePath, v.SchemaPath, v.Message)
		}
	}

	var syntax *ajv.SyntaxError
	fmt.Println(errors.As(validator.ValidateJSON(schema, []byte(`{"fullname":`)), &syntax))
	// Output:
	// <nil>
	// "" #/additionalProperties must NOT have additional properties
	// "/force" #/required must have required property 'force'
	// "/fullname" #/properties/fullname/maxLength must NOT have more than 5 characters
	// true
}

// ValidateDecodedFunc lends the decoded body to a function that copies out
// what it needs; the body's maps and boxes are reused by later calls.
func ExampleSchema_ValidateDecodedFunc() {
	s, err := ajv.SchemaOf[SyncPackageTask](ajv.New())
	if err != nil {
		panic(err)
	}
	var fullname string // a string copied out may be kept
	err = s.ValidateDecodedFunc([]byte(`{"fullname":"  @eggjs/tegg ","tips":"sync it","force":true}`), func(v any) error {
		fullname = v.(map[string]any)["fullname"].(string)
		return nil
	})
	fmt.Printf("%q %v\n", fullname, err)

	err = s.ValidateDecodedFunc([]byte(`{"fullname":"x","tips":"y","force":true}`), func(any) error {
		panic("not called for an invalid body")
	})
	var ipe *ajv.InvalidParamError
	fmt.Println(errors.As(err, &ipe), ipe.Errors[0].InstancePath, ipe.Errors[0].Message)
	// Output:
	// "@eggjs/tegg" <nil>
	// true /tips must NOT have fewer than 2 characters
}

// The error carries the schema the value was checked against (tegg's
// currentSchema). Raw JSON validation is the path for tegg's
// ajv.validate(Schema, params): unlike a decoded struct, whose absent
// member is only a zero value, it can report a missing required property.
func ExampleInvalidParamError_schema() {
	schema, _ := ajv.Compile([]byte(`{"type":"object","required":["id"]}`))
	err := schema.Validate([]byte(`{}`))
	var invalid *ajv.InvalidParamError
	if errors.As(err, &invalid) {
		fmt.Println(string(invalid.Schema.JSON()))
		fmt.Println(invalid.Errors[0].Message)
	}
	// Go values are checked against their type's schema, reported too
	err = ajv.New().Validate(&SyncPackageTask{Tips: "x"})
	if errors.As(err, &invalid) {
		fmt.Println(invalid.Schema != nil && len(invalid.Schema.JSON()) > 0)
	}
	// Output:
	// {"type":"object","required":["id"]}
	// must have required property 'id'
	// true
}
