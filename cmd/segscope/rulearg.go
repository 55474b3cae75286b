package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments/rule"
)

// ruleFlagHelp describes every flag that takes a rule.
const ruleFlagHelp = `the rule, e.g. "plan in ('premium','family') and days_since_login > 30"; @FILE reads it from FILE, - from standard input`

// ruleArg is the rule a rule flag gives: the text itself, or read from the
// file after @ or from stdin for -, for rules too long or too quoted for a
// command line. Neither form is a rule (none starts with @), so no rule is
// taken for a file name. At most a little more than the longest rule is read,
// so a wrong file (an export, a device) is refused without reading it all.
func ruleArg(arg string, stdin io.Reader) (string, error) {
	var (
		r    io.Reader
		from string
	)
	switch {
	case arg == "-":
		r, from = stdin, "standard input"
	case strings.HasPrefix(arg, "@"):
		path := strings.TrimPrefix(arg, "@")
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("read the rule: %w", err)
		}
		defer f.Close()
		r, from = f, path
	default:
		return arg, nil
	}
	// A character is at most 4 bytes in UTF-8.
	const maxBytes = 4 * rule.MaxRuleChars
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return "", fmt.Errorf("read the rule from %s: %w", from, err)
	}
	if len(data) > maxBytes {
		return "", fmt.Errorf("the rule in %s is over %s bytes; a rule can be at most %s characters",
			from, counts.Format(maxBytes), counts.Format(rule.MaxRuleChars))
	}
	text := strings.TrimSpace(string(data))
	if text == "" {
		return "", fmt.Errorf("the rule in %s is empty", from)
	}
	return text, nil
}
