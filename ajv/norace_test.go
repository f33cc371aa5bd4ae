//go:build !race

package ajv

const raceEnabled = false
