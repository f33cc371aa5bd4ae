package bench

// BenchmarkAdversarialHTTP sends 1 MiB hostile bodies (the body limit) to
// validated teggo routes in process, ServeHTTP into a recorder, on every
// ajv backend; each must be answered 422 with a problem body of at most
// ajv.DefaultMaxViolations violations and the rest counted in "omitted":
//
//	cd bench && go test -run=NONE -bench=AdversarialHTTP -benchtime=3x -count=3
//
// The budget is 50 ms per request on 2 cores, the same as ajv's
// BenchmarkAdversarialBody, which measures the validation alone. resp-B is
// the size of the response body.

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/teggo/teggo/ajv"
	"github.com/teggo/teggo/bench/cmd/httpbench/apps"
	"github.com/teggo/teggo/container"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

// StrictIn refuses unknown properties, as every struct body does.
type StrictIn struct {
	Name string `json:"name,omitempty"`
}

// IDsIn is a list of integers.
type IDsIn struct {
	IDs []int `json:"ids"`
}

// UniqueIn is a list of integers that must not repeat.
type UniqueIn struct {
	Items []int `json:"items" jsonschema:"uniqueItems=true"`
}

// AdversarialController accepts the three bodies; it is never reached by
// the hostile ones.
type AdversarialController struct{ proto.Singleton }

// Strict accepts a StrictIn.
func (c *AdversarialController) Strict(ctx context.Context, in StrictIn) (*apps.Created, error) {
	return &apps.Created{ID: "1"}, nil
}

// IDs accepts an IDsIn.
func (c *AdversarialController) IDs(ctx context.Context, in IDsIn) (*apps.Created, error) {
	return &apps.Created{ID: "1"}, nil
}

// Unique accepts a UniqueIn.
func (c *AdversarialController) Unique(ctx context.Context, in UniqueIn) (*apps.Created, error) {
	return &apps.Created{ID: "1"}, nil
}

func adversarialApp(b *testing.B, backend ajv.Backend) http.Handler {
	c := container.New(container.Logger(slog.New(slog.DiscardHandler)))
	c.Register(
		new(AdversarialController),
		teggohttp.Controller[*AdversarialController]("/adversarial"),
		teggohttp.POST("/strict", (*AdversarialController).Strict, teggohttp.Status(http.StatusCreated)),
		teggohttp.POST("/ids", (*AdversarialController).IDs, teggohttp.Status(http.StatusCreated)),
		teggohttp.POST("/unique", (*AdversarialController).Unique, teggohttp.Status(http.StatusCreated)),
	)
	if err := c.Build(context.Background()); err != nil {
		b.Fatal(err)
	}
	s, err := teggohttp.NewServer(c, teggohttp.Logger(slog.New(slog.DiscardHandler)),
		teggohttp.Ajv(ajv.New(ajv.WithBackend(backend))))
	if err != nil {
		b.Fatal(err)
	}
	return s.Handler()
}

// mibBody is the JSON of open, n elements made by item, and close, padded
// with spaces to exactly 1 MiB.
func mibBody(open string, n int, item func(i int) string, close string) string {
	const mib = 1 << 20
	var sb strings.Builder
	sb.Grow(mib)
	sb.WriteString(open)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(item(i))
	}
	sb.WriteString(close)
	if sb.Len() > mib {
		panic("adversarial body over 1 MiB")
	}
	sb.WriteString(strings.Repeat(" ", mib-sb.Len()))
	return sb.String()
}

var adversarialCases = []httpCase{
	{name: "unknownKeys", method: "POST", path: "/adversarial/strict", status: http.StatusUnprocessableEntity,
		body: mibBody("{", 50_000, func(i int) string { return `"k` + strconv.Itoa(i) + `":0` }, "}")},
	{name: "wrongItems", method: "POST", path: "/adversarial/ids", status: http.StatusUnprocessableEntity,
		body: mibBody(`{"ids":[`, 60_000, func(int) string { return `"x"` }, "]}")},
	{name: "duplicateItems", method: "POST", path: "/adversarial/unique", status: http.StatusUnprocessableEntity,
		body: mibBody(`{"items":[`, (1<<20)/2-8, func(int) string { return "1" }, "]}")},
}

func BenchmarkAdversarialHTTP(b *testing.B) {
	for _, backend := range []ajv.Backend{ajv.GoJSONSchemaBackend(), ajv.SanthoshBackend(), ajv.NativeBackend()} {
		h := adversarialApp(b, backend)
		for _, tc := range adversarialCases {
			b.Run(backend.Name()+"/"+tc.name, func(b *testing.B) {
				check(b, h, tc)
				size := boundedProblem(b, serve(h, tc).Body.Bytes())
				b.SetBytes(int64(len(tc.body)))
				b.ReportAllocs()
				for b.Loop() {
					serve(h, tc)
				}
				b.ReportMetric(float64(size), "resp-B")
			})
		}
	}
}

// boundedProblem checks that a 422 problem body carries at most the cap of
// violations and counts the others, and returns its size.
func boundedProblem(b *testing.B, body []byte) int {
	b.Helper()
	var p struct {
		Errors  []json.RawMessage `json:"errors"`
		Omitted int               `json:"omitted"`
	}
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&p); err != nil {
		b.Fatalf("problem body: %v: %.200s", err, body)
	}
	if len(p.Errors) == 0 || len(p.Errors) > ajv.DefaultMaxViolations || p.Omitted == 0 {
		b.Fatalf("problem body not bounded: %d errors, %d omitted", len(p.Errors), p.Omitted)
	}
	return len(body)
}
