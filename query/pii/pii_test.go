package pii

import (
	"strings"
	"testing"
)

func TestForColumn(t *testing.T) {
	for name, want := range map[string]Kind{
		"email": Email, "Email_Address": Email, "customerEmail": Email, "email_opt_in": None, "email_domain": None,
		"phone": Phone, "mobile_number": Phone, "first_name": Name, "LastName": Name, "full_name": Name, "name": Name,
		"plan_name": None, "username": None, "street": Address, "home_address": Address, "zip": Postcode,
		"postcode": Postcode, "ip": IP, "last_ip": IP, "ip_address": IP, "ship_date": None, "zipper": None,
		"membership": None, "description": None,
	} {
		if got := ForColumn(name, "VARCHAR"); got != want {
			t.Errorf("ForColumn(%q) = %v, want %v", name, got, want)
		}
	}
	// Exports withhold what FromName flags, whatever the type.
	for name, want := range map[string]Kind{
		"telephone": Phone, "tel": Phone, "surname": Name, "street_address": Address, "postal_code": Postcode,
		"birth_date": Identity, "dob": Identity, "passport_number": Identity, "ssn": Identity,
		"phone_verified": None, "country": None, "zipper_size": None, "shipping_date": None, "tip": None, "plan": None,
	} {
		if got := FromName(name); got != want {
			t.Errorf("FromName(%q) = %v, want %v", name, got, want)
		}
	}
	if got := ForColumn("email_verified", "BOOLEAN"); got != None {
		t.Errorf("a boolean column was flagged as %v", got)
	}
	if got := ForColumn("zip", "INTEGER"); got != Postcode {
		t.Errorf("an integer zip column was not flagged")
	}
}

func TestFromValues(t *testing.T) {
	emails := []string{"a@b.io", "c.d@example.com", "", "x@y.org"}
	if got := FromValues(emails); got != Email {
		t.Errorf("emails classified as %v", got)
	}
	phones := []string{"+1 555 0101", "(030) 123-4567", "+44 20 7946 0958"}
	if got := FromValues(phones); got != Phone {
		t.Errorf("phones classified as %v", got)
	}
	if got := FromValues([]string{"gold", "silver", "12", "bronze"}); got != None {
		t.Errorf("plans classified as %v", got)
	}
}

func TestMask(t *testing.T) {
	for _, c := range []struct {
		kind     Kind
		in, want string
	}{
		{Email, "jane.doe@gmail.com", "j••••@gmail.com"},
		{Phone, "+1 (555) 010-0132", "•••• 0132"},
		{Phone, "12345", "••••"},
		{Name, "Jane", "J•••"},
		{Name, "Élodie", "É•••"},
		{Address, "12 High Street", "1•••"},
		{Postcode, "SW1A 1AA", "SW•••"},
		{IP, "192.168.1.20", "•••.20"},
		{Email, "", ""},
		{None, "plain", "plain"},
	} {
		if got := Mask(c.kind, c.in); got != c.want {
			t.Errorf("Mask(%v, %q) = %q, want %q", c.kind, c.in, got, c.want)
		}
	}
}

func TestDerivedAndStronger(t *testing.T) {
	if got := Stronger(Name, Name); got != Name {
		t.Errorf("Stronger(Name, Name) = %v", got)
	}
	if got := Stronger(None, Phone); got != Phone {
		t.Errorf("Stronger(None, Phone) = %v", got)
	}
	if got := Stronger(Name, Email); got != Derived(Email) || got.Source() != Email || !got.IsDerived() {
		t.Errorf("Stronger(Name, Email) = %v", got)
	}
	if got := Stronger(Derived(None), Postcode); got != Derived(Postcode) {
		t.Errorf("an untraced value with a postcode = %v", got)
	}
	// A derived value shows nothing: reverse(email)'s "domain" is its local part.
	if got := Mask(Derived(Email), "moc.liamg@enaj"); got != "••••" {
		t.Errorf("derived mask = %q", got)
	}
	if Derived(None) == None || Derived(None).String() != "possible personal data" || Derived(Name).String() != "computed from name" {
		t.Errorf("names: %q %q", Derived(None), Derived(Name))
	}
}

func TestScrub(t *testing.T) {
	in := `email = 'jane.doe@gmail.com' or phone in ("+44 20 7946 0958", 'x') and ip = '10.0.0.12' and plan = 'gold' and watch_hours > 12345678`
	got := Scrub(in)
	for _, leak := range []string{"jane.doe", "7946", "10.0.0"} {
		if strings.Contains(got, leak) {
			t.Errorf("Scrub left %q in %s", leak, got)
		}
	}
	for _, keep := range []string{"@gmail.com'", `"•••• 0958"`, "'gold'", "12345678", "'x'"} {
		if !strings.Contains(got, keep) {
			t.Errorf("Scrub lost %q: %s", keep, got)
		}
	}
}
