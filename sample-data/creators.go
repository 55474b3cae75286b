package sampledata

import (
	"math/rand/v2"
	"strconv"
)

var creatorHeader = []string{
	"customer_id", "email", "full_name", "country", "signup_date", "product", "orders",
	"total_spent", "last_order_date", "email_opt_in", "sms_opt_in", "phone",
}

// creatorCountries: an English-language creator shop sells mostly to the US
// and UK, with a European and global tail.
var creatorCountries = newDist(
	opt{"US", 42}, opt{"GB", 14}, opt{"CA", 7}, opt{"AU", 6}, opt{"DE", 8}, opt{"FR", 4},
	opt{"NL", 3}, opt{"SE", 3}, opt{"ES", 3}, opt{"IT", 2}, opt{"IE", 2}, opt{"BR", 3}, opt{"IN", 3},
)

var products = newDist(opt{"preset_pack", 35}, opt{"template_bundle", 25}, opt{"course", 20}, opt{"membership", 20})

// productPrices lists catalogue prices in cents; repeat orders draw from
// the cheap products whatever the customer first bought.
var productPrices = map[string][]int{
	"preset_pack":     {1900, 2400, 2900, 3900},
	"template_bundle": {2900, 3900, 4900, 5900},
	"course":          {14900, 19900, 24900, 29900},
	"membership":      {1200},
}

var (
	emailOptIn = newDist(opt{"yes", 55}, opt{"no", 30}, opt{"", 15})
	smsOptIn   = newDist(opt{"true", 35}, opt{"false", 45}, opt{"", 20})
	// Without a phone number sms_opt_in is usually blank, but a few rows
	// claim an SMS opt-in anyway: the kind of inconsistency audits flag.
	smsOptInNoPhone = newDist(opt{"", 80}, opt{"false", 18}, opt{"true", 2})
)

type creator struct {
	id                 int
	email, name        string
	country, product   string
	phone              string
	signup, lastOrder  int64
	orders, spentCents int
	emailOptIn, smsOpt string
}

func newCreator(r *rand.Rand, id int, asOf int64, c *creator) {
	*c = creator{id: id, country: creatorCountries.pick(r)}
	ctry := countries[c.country]
	p := ctry.names.pick(r).pick(r)
	c.name = p.first + " " + p.last
	tenure := 1 + r.IntN(4*365)
	c.signup = asOf - int64(tenure)*day + r.Int64N(day)
	c.product = products.pick(r)

	if c.product == "membership" {
		c.orders = 1 + geometric(r, 120, tenure/30) // monthly renewals
	} else {
		c.orders = 1 + geometric(r, 550, 40)
	}
	prices := productPrices[c.product]
	c.spentCents = prices[r.IntN(len(prices))]
	for i := 1; i < c.orders; i++ {
		price := prices[0]
		if c.product != "membership" {
			repeat := productPrices["preset_pack"]
			price = repeat[r.IntN(len(repeat))]
		}
		if chance(r, 100) {
			price = price * 85 / 100 // discount code
		}
		c.spentCents += price
	}
	c.lastOrder = c.signup
	if c.orders > 1 {
		c.lastOrder = randTime(r, c.signup, asOf-1)
	}

	if !chance(r, 550) {
		c.phone = ctry.phone(r, "")
	}
	c.emailOptIn = emailOptIn.pick(r)
	if c.phone == "" {
		c.smsOpt = smsOptInNoPhone.pick(r)
	} else {
		c.smsOpt = smsOptIn.pick(r)
	}
	c.email = email(r, p, id, ctry.domains)
}

func (c *creator) appendRecord(rec []string) []string {
	return append(rec[:0],
		strconv.Itoa(c.id), c.email, c.name, c.country, date(c.signup), c.product,
		strconv.Itoa(c.orders), fixed(c.spentCents, 2), date(c.lastOrder),
		c.emailOptIn, c.smsOpt, c.phone,
	)
}
