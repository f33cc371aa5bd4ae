package config

import "strings"

// Code is the stable code of every config error.
const Code = "TEGGO_CONFIG"

// Error is a config problem, with the file and key concerned.
type Error struct {
	File string // the file concerned, when one is
	Key  string // the dotted key concerned, when one is
	Msg  string
	Err  error
}

// Error renders "TEGGO_CONFIG: file: key k: message: cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(Code + ": ")
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	if e.Key != "" {
		b.WriteString("key " + e.Key + ": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
