package draw

import (
	"slices"
	"testing"
)

func TestWrapRunes(t *testing.T) {
	text := "plan = 'gold' and age > 30\n\nor supercalifragilistic = 1"
	var got []string
	for _, sp := range WrapRunes([]rune(text), 10) {
		got = append(got, string([]rune(text)[sp.From:sp.To]))
	}
	want := []string{"plan = ", "'gold' ", "and age > ", "30", "", "or ", "supercalif", "ragilistic", " = 1"}
	if !slices.Equal(got, want) {
		t.Fatalf("wrapped %q\nwant    %q", got, want)
	}
}
