package tui

import (
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestKeyPickerIsInThePalette(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "telco", tuitest.TelcoCSV(10))
	m := openModel(t, ws, "telco", 100, 30, styles.NoColor)
	press(t, m, ":")
	typeText(t, m, "table's key")
	if !strings.Contains(screenText(m), "Choose the table's key") || !strings.Contains(screenText(m), "K ") {
		t.Fatalf("the palette does not offer the key picker with its key:\n%s", screenText(m))
	}
	press(t, m, "enter")
	if text := screenText(m); !strings.Contains(text, "Key of telco") || !strings.Contains(text, "customerID") {
		t.Fatalf("the palette's command did not open the picker with its candidates:\n%s", text)
	}
}

// The key picker is a dialog: leaving for another screen closes it, and the
// Data screen is not left thinking it is open (its keys work again).
func TestKeyPickerClosesWithTheScreenLeft(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "telco", tuitest.TelcoCSV(10))
	m := openModel(t, ws, "telco", 100, 30, styles.NoColor)
	press(t, m, "K")
	if !strings.Contains(screenText(m), "Key of telco") {
		t.Fatalf("K did not open the picker:\n%s", screenText(m))
	}
	press(t, m, "alt+2", "alt+1")
	if text := screenText(m); strings.Contains(text, "Key of telco") || !m.dialogs.Empty() {
		t.Fatalf("the picker outlived the visit to another screen:\n%s", text)
	}
	press(t, m, "?")
	if !strings.Contains(screenText(m), "filter rows") {
		t.Fatalf("the Data screen's keys are not the grid's after the picker closed:\n%s", screenText(m))
	}
}
