package tui

import (
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/styles"
)

func TestKeyPickerIsInThePalette(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "telco", telcoCSV(10))
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
