package ajv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
)

// sharedInputMax is the size up to which the JSON engine's strings share
// the memory of one copy of the input and an arena lends the value's
// memory (jsontree's limit of the same name); bodies that must take the
// other path are made larger.
const sharedInputMax = 4096

// sixFieldBody is a typical small request body.
var sixFieldBody = []byte(`{"title":"Hello teggo","body":"a body of text","tags":["go","di"],"priority":3,"draft":false,"author":"fengmk2"}`)

// wideBody has objects of more than eight members and arrays of more than
// eight elements.
var wideBody = []byte(`{"id":12345,"name":"teggo","description":"a DI and HTTP framework","version":"1.2.3","private":false,"license":"MIT",` +
	`"keywords":["di","http","aop","schedule","eventbus","ajv","schema","validation","go","framework"],` +
	`"scores":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],` +
	`"maintainers":[{"name":"a","email":"a@example.com","url":"https://a.example.com","since":2019,"active":true,"roles":["owner"],"tz":"UTC","lang":"go","x":1},` +
	`{"name":"b","email":"b@example.com","url":"https://b.example.com","since":2020,"active":false,"roles":["dev","ops"],"tz":"CET","lang":"ts","x":2}],` +
	`"repository":{"type":"git","url":"https://example.com/teggo/teggo.git"},"homepage":"https://example.com","bugs":null}`)

// decodeStd is encoding/json's reading of data: UseNumber, nothing after the
// value.
func decodeStd(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("data after the value (%v)", err)
	}
	return v, nil
}

// decodedStd is what encoding/json (with UseNumber) decodes each body into.
func decodedStd(t *testing.T, bodies [][]byte) []any {
	t.Helper()
	wants := make([]any, len(bodies))
	for i, b := range bodies {
		w, err := decodeStd(b)
		if err != nil {
			t.Fatal(err)
		}
		wants[i] = w
	}
	return wants
}
