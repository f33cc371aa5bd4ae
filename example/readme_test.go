package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestREADMECurlSteps runs the README's curl lines, as written, with the
// curl program against the example (its address for localhost:7001, the
// created topic's id for <topic_id>), in a directory of their own for the
// cookie jar, and checks each status against the one its comment names
// (200 when it names none).
func TestREADMECurlSteps(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not on PATH")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "writing needs a login")
	block := text[start:]
	block = block[strings.Index(block, "```sh\n")+len("```sh\n"):]
	block = block[:strings.Index(block, "```")]
	var cmds []string
	for cont, line := "", ""; block != ""; {
		line, block, _ = strings.Cut(block, "\n")
		if trimmed, ok := strings.CutSuffix(line, "\\"); ok {
			cont += trimmed
			continue
		}
		cmds, cont = append(cmds, cont+line), ""
	}
	if len(cmds) != 7 {
		t.Fatalf("%d curl lines in the README's block, want the 7 steps", len(cmds))
	}

	app := startApp(t)
	dir := t.TempDir()
	status := regexp.MustCompile(`^\s*(\d{3})\b`)
	id := regexp.MustCompile(`"topic_id":"([0-9a-f]+)"`)
	topicID := ""
	for _, c := range cmds {
		cmd, comment, _ := strings.Cut(c, "#")
		want := "200"
		if m := status.FindStringSubmatch(comment); m != nil {
			want = m[1]
		}
		cmd = strings.ReplaceAll(cmd, "localhost:7001", strings.TrimPrefix(app.URL(""), "http://"))
		cmd = strings.ReplaceAll(cmd, "<topic_id>", topicID)
		run := exec.Command("bash", "-c", cmd+" -o body -w '%{http_code}'")
		run.Dir = dir
		out, err := run.Output()
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		body, _ := os.ReadFile(dir + "/body")
		if string(out) != want {
			t.Fatalf("%s: status %s, the README says %s; body %s", cmd, out, want, body)
		}
		if m := id.FindSubmatch(body); m != nil {
			topicID = string(m[1])
		}
	}
	if topicID == "" {
		t.Fatal("no step created a topic")
	}
}
