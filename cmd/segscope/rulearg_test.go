package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments/rule"
)

// longRule is a valid rule of about 9,000 characters with quotes of both
// kinds in it: awkward to pass as an argument, easy in a file.
func longRule() string {
	var b strings.Builder
	b.WriteString(`"plan" = 'premium'`)
	for i := 0; b.Len() < 9_000; i++ {
		b.WriteString("\n  or days_since_login = ")
		b.WriteString(strings.Repeat("1", 1+i%5))
	}
	return b.String()
}

func TestSegmentDefineReadsTheRuleFromAFileOrStdin(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	dir := filepath.Dir(ws)
	text := longRule()
	file := filepath.Join(dir, "long.rule")
	if err := os.WriteFile(file, []byte(text+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	mustRun(t, ws, "segment", "define", "from_file", "--table", "subscribers", "--rule", "@"+file)
	if _, _, err := runWithInput(t, strings.NewReader(text), ws, "segment", "define", "from_stdin", "--table", "subscribers", "--rule", "-"); err != nil {
		t.Fatalf("--rule -: %v", err)
	}
	for _, name := range []string{"from_file", "from_stdin"} {
		out := mustRun(t, ws, "segment", "show", name, "--format", "json")
		if !strings.Contains(out, `days_since_login = 11111`) {
			t.Errorf("segment %s does not hold the rule read: %.300s", name, out)
		}
	}
	fromFile := mustRun(t, ws, "segment", "count", "from_file")
	if fromStdin := mustRun(t, ws, "segment", "count", "from_stdin"); fromFile != fromStdin || strings.TrimSpace(fromFile) == "0" {
		t.Errorf("counts: from the file %q, from stdin %q", fromFile, fromStdin)
	}

	tooLong := filepath.Join(dir, "too_long.rule")
	if err := os.WriteFile(tooLong, []byte("plan = '"+strings.Repeat("x", rule.MaxRuleChars)+"'"), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.rule")
	if err := os.WriteFile(huge, []byte(strings.Repeat("x", 1<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.rule")
	if err := os.WriteFile(empty, []byte("\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rule, stdin, want string
	}{
		{"@" + tooLong, "", "a rule can be at most 10,000 characters; this one is 10,009"},
		{"@" + huge, "", "the rule in " + huge + " is over 40,000 bytes; a rule can be at most 10,000 characters"},
		{"-", strings.Repeat("x", 1<<20), "the rule in standard input is over 40,000 bytes"},
		{"@" + empty, "", "the rule in " + empty + " is empty"},
		{"-", "", "the rule in standard input is empty"},
		{"@" + filepath.Join(dir, "missing.rule"), "", "read the rule: open " + filepath.Join(dir, "missing.rule") + ": no such file"},
	} {
		_, _, err := runWithInput(t, strings.NewReader(tc.stdin), ws, "segment", "define", "bad", "--table", "subscribers", "--rule", tc.rule)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--rule %s: %v, want %q", tc.rule, err, tc.want)
		}
	}
}
