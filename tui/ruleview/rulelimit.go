package ruleview

import (
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/rule"
)

// RuleInputTooLong is why msg, a paste or a typed character, must not reach
// the text field holding text: the rule would pass its length limit. It is
// asked before the field sees msg, so a pasted megabyte is refused at the
// cost of counting it, never held, lexed or drawn.
func RuleInputTooLong(text string, msg tea.Msg) error {
	var added string
	switch msg := msg.(type) {
	case tea.PasteMsg:
		added = msg.Content
	case tea.KeyPressMsg:
		added = msg.Text
	}
	if added == "" {
		return nil
	}
	return rule.CheckLength(utf8.RuneCountInString(text) + utf8.RuneCountInString(added))
}
