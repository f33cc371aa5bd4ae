// Package jsontree is teggo's JSON engine, shared by the validator (ajv)
// and the HTTP layer: it parses JSON into the generic value tree that JSON
// schemas are checked on (map[string]any, []any, string, bool, json.Number
// and nil), lends that tree's memory from a pooled Arena, converts a Go
// value into the same tree as encoding/json would marshal it, and decodes
// a tree into a Go struct with encoding/json's semantics through a decoder
// compiled once per type.
//
// Parse refuses what no validator should walk: invalid UTF-8, nesting
// deeper than a limit, numbers beyond a 10000 exponent or 4096 bytes.
// Every refusal is a *SyntaxError; ajv reports it as its own.
package jsontree
