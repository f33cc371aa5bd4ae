package ajv

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// suiteDir finds the official JSON Schema Test Suite: $TEGGO_JSONSCHEMA_SUITE,
// or shared/jsonschema-test-suite beside the module's root directory.
func suiteDir(t *testing.T) string {
	if d := os.Getenv("TEGGO_JSONSCHEMA_SUITE"); d != "" {
		return d
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && filepath.Base(dir) != "bench" {
			if _, err := os.Stat(filepath.Join(dir, "ajv")); err == nil {
				return filepath.Join(filepath.Dir(dir), "shared", "jsonschema-test-suite")
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
}

type suiteGroup struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	} `json:"tests"`
}

// suiteTally counts one backend's results on one draft.
// format counts verdicts of format tests that differ from the suite's:
// every backend asserts format as ajv-formats (full mode) does, while the
// suite's optional/format tests follow the RFCs more strictly in places
// (idn-hostname, hostname label rules, leap seconds), and 2020-12's
// format.json expects format to be an annotation only.
type suiteTally struct{ run, passed, refused, wrong, format int }

// suiteFiles lists the suite's files of a draft that need no network: the
// required tests and optional/format (format is asserted by every backend).
func suiteFiles(t *testing.T, root, draft string) []string {
	var files []string
	for _, pattern := range []string{"*.json", "optional/format/*.json"} {
		m, err := filepath.Glob(filepath.Join(root, draft, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == "refRemote.json" })
	slices.Sort(files)
	return files
}

// TestJSONSchemaTestSuite runs the official suite (draft-07 and 2020-12) on
// every backend. A schema a backend refuses at Compile counts as refused; a
// schema it compiles must give every test's verdict: no wrong verdict is
// allowed. Run with -v to print the table.
func TestJSONSchemaTestSuite(t *testing.T) {
	root := suiteDir(t)
	if _, err := os.Stat(root); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("JSON Schema Test Suite not found at %s: %v", root, err)
		}
		t.Skipf("JSON Schema Test Suite not found at %s (set TEGGO_JSONSCHEMA_SUITE)", root)
	}
	all := append(slices.Clone(backends), FallbackBackend(NativeBackend(), GoJSONSchemaBackend()), FallbackBackend(NativeBackend(), SanthoshBackend()))
	var table strings.Builder
	fmt.Fprintf(&table, "| backend | draft | tests run | passed | refused at compile | wrong | format verdicts unlike the suite's |\n|---|---|---|---|---|---|---|\n")
	for _, draft := range []string{"draft7", "draft2020-12"} {
		files := suiteFiles(t, root, draft)
		for _, b := range all {
			var n suiteTally
			for _, f := range files {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				var groups []suiteGroup
				if err := json.Unmarshal(raw, &groups); err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				rel, _ := filepath.Rel(filepath.Join(root, draft), f)
				for _, g := range groups {
					n.run += len(g.Tests)
					c, err := b.Compile(g.Schema)
					if err != nil {
						n.refused += len(g.Tests)
						continue
					}
					for _, tc := range g.Tests {
						inst, err := decodeJSON(tc.Data, DefaultMaxDepth)
						if err != nil {
							t.Fatalf("%s %s: %v", rel, tc.Description, err)
						}
						vs := c.Validate(inst)
						if (len(vs) == 0) != tc.Valid {
							if strings.Contains(rel, "format") {
								n.format++
								continue
							}
							n.wrong++
							t.Errorf("%s %s: %s / %s / %s: valid = %v, want %v (%v)", b.Name(), draft, rel, g.Description, tc.Description, len(vs) == 0, tc.Valid, vs)
							continue
						}
						n.passed++
					}
				}
			}
			fmt.Fprintf(&table, "| %s | %s | %d | %d | %d | %d | %d |\n", b.Name(), draft, n.run, n.passed, n.refused, n.wrong, n.format)
		}
	}
	t.Log("\n" + table.String())
}
