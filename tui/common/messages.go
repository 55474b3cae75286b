package common

import (
	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/dialog"
)

// Scope is the rows the analyst is looking at: the table open on the Data
// screen and the filter applied to it. Other screens work within it.
type Scope struct {
	Table   query.TableInfo
	Columns []query.Column
	// Rule is the filter as typed; Where is its compiled predicate ("" for all rows).
	Rule, Where string
	// Matching is how many rows pass the filter (Table.Rows without one).
	Matching int64
}

// ScopeMsg tells the other screens that the scope changed.
type ScopeMsg struct{ Scope Scope }

// EditSegmentMsg asks for the Segments screen's editor on a new segment of
// Table defined by Rule: "save as segment" from a screen with a filter.
type EditSegmentMsg struct{ Table, Rule string }

// EventsChangedMsg says that Table was set up as events of Audience (which
// may be a table just made from them): screens that list tables, event
// tables or per-person measures read them again, and the root the as-of time.
type EventsChangedMsg struct{ Table, Audience string }

// SetUpEventsMsg asks the root for the events setup form, on Table ("" to
// choose one).
type SetUpEventsMsg struct{ Table string }

// NoticeMsg puts a short message in the status line until the next key press.
type NoticeMsg struct {
	Text string
	Err  error
}

// Command is an action offered in the command palette; the type lives with
// the palette (dialog.Command) so that dialogs don't depend on the console's
// workspace and segment store.
type Command = dialog.Command
