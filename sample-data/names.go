package sampledata

import (
	"math/rand/v2"
	"strings"
)

// namePool is one naming tradition. Pools deliberately include accents,
// apostrophes, particles and hyphens so that name handling gets exercised.
type namePool struct {
	first, last []string
	// folded holds the ASCII e-mail spelling of each name ("O'Brien" →
	// "obrien"), computed once instead of per row.
	foldedFirst, foldedLast []string
}

type person struct {
	first, last             string
	foldedFirst, foldedLast string
}

func (p *namePool) pick(r *rand.Rand) person {
	i, j := r.IntN(len(p.first)), r.IntN(len(p.last))
	return person{p.first[i], p.last[j], p.foldedFirst[i], p.foldedLast[j]}
}

func newPool(first, last string) *namePool {
	p := &namePool{first: strings.Split(first, ","), last: strings.Split(last, ",")}
	for _, f := range p.first {
		p.foldedFirst = append(p.foldedFirst, fold(f))
	}
	for _, l := range p.last {
		p.foldedLast = append(p.foldedLast, fold(l))
	}
	return p
}

var (
	anglo = newPool(
		"James,Olivia,Liam,Emma,Noah,Ava,William,Sophia,Benjamin,Isabella,Lucas,Mia,Henry,Charlotte,Jack,Amelia,Oliver,Harper,Ethan,Evelyn,Mason,Abigail,Logan,Emily,Jacob,Grace,Samuel,Chloe,Zoë,DeShawn,Aaliyah,Jamal,Imani,Keisha,Tyrone,Brooke",
		"Smith,Johnson,Williams,Brown,Jones,Miller,Davis,Wilson,Anderson,Taylor,Thomas,Moore,Jackson,Martin,Thompson,White,Harris,Clark,Lewis,Walker,Hall,Young,King,Wright,Scott,Green,Baker,Adams,Carter,Mitchell,Roberts,Turner,Evans,Hughes,Edwards,Washington,Cohen,Goldberg,St. John,Smith-Jones")
	irish = newPool(
		"Aoife,Siobhán,Niamh,Saoirse,Cian,Oisín,Seán,Ciara,Darragh,Róisín,Conor,Éabha,Pádraig,Caoimhe",
		"O'Brien,O'Sullivan,Murphy,Kelly,O'Connor,Walsh,McCarthy,Byrne,Ryan,O'Neill,Doyle,Gallagher,Ó Briain,Mac Giolla")
	hispanic = newPool(
		"José,María,Sofía,Mateo,Lucía,Santiago,Valentina,Diego,Camila,Alejandro,Ximena,Javier,Carmen,Andrés,Isabel,Raúl,Guadalupe,Pablo,Inés,Begoña",
		"García,Martínez,Rodríguez,López,Hernández,González,Pérez,Sánchez,Ramírez,Torres,Flores,Gómez,Díaz,Morales,Jiménez,Ruiz,Álvarez,Castillo,Núñez,Peña,de la Cruz,Ibáñez")
	german = newPool(
		"Lukas,Leonie,Jonas,Hannah,Felix,Lena,Maximilian,Anna,Paul,Sophie,Jürgen,Jörg,Käthe,Tobias,Katharina,Mia,Lea-Marie,Hans-Peter",
		"Müller,Schmidt,Schneider,Fischer,Weber,Meyer,Wagner,Becker,Schulz,Hoffmann,Schäfer,Koch,Bauer,Richter,Klein,Wolf,Schröder,Neumann,Groß,Köhler,von Bülow")
	french = newPool(
		"Léa,Hugo,Chloé,Louis,Manon,Gabriel,Camille,Raphaël,Inès,Jules,Zoé,Théo,Élodie,François,Amélie,Noël,Anaïs,Gaëlle,Jean-Luc,Marie-Claire",
		"Martin,Bernard,Dubois,Thomas,Robert,Richard,Petit,Durand,Leroy,Moreau,Simon,Laurent,Lefèvre,Michel,Garnier,Fontaine,Rousseau,Girard,D'Amour,Mercier")
	italian = newPool(
		"Giulia,Francesco,Chiara,Alessandro,Martina,Lorenzo,Aurora,Matteo,Sara,Leonardo,Niccolò,Federica,Gianluca,Elisa",
		"Rossi,Russo,Ferrari,Esposito,Bianchi,Romano,Colombo,Ricci,Marino,Greco,Bruno,Gallo,Conti,De Luca,Costa,D'Angelo")
	dutch = newPool(
		"Daan,Sanne,Bram,Fleur,Sem,Lotte,Thijs,Anouk,Ruben,Femke,Joris,Maartje,Lieke,Wout",
		"de Jong,Jansen,de Vries,van den Berg,van Dijk,Bakker,Janssen,Visser,Smit,Meijer,de Boer,Mulder,Peeters,Maes,Van Damme")
	nordic = newPool(
		"Astrid,Erik,Freja,Lars,Ingrid,Magnus,Saga,Oskar,Maja,Søren,Sigrid,Mikael,Aino,Eetu,Helmi,Väinö,Åsa,Björn",
		"Andersson,Johansson,Karlsson,Nilsson,Eriksson,Larsson,Jensen,Nielsen,Hansen,Pedersen,Sørensen,Korhonen,Virtanen,Mäkinen,Nieminen,Lindström,Öberg,Ångström")
	polish = newPool(
		"Zofia,Jakub,Julia,Kacper,Maja,Szymon,Łucja,Mikołaj,Agnieszka,Paweł,Małgorzata,Wojciech",
		"Nowak,Kowalski,Wiśniewski,Wójcik,Kowalczyk,Kamiński,Lewandowski,Zieliński,Szymański,Woźniak,Dąbrowski,Kozłowska")
	lusophone = newPool(
		"João,Ana,Pedro,Beatriz,Tiago,Mariana,Gonçalo,Leonor,Rafael,Larissa,Thiago,Gabriela,Vitória,Caio",
		"Silva,Santos,Ferreira,Pereira,Oliveira,Costa,Rodrigues,Martins,Sousa,Fernandes,Gonçalves,Lima,Araújo,Carvalho,Conceição,Magalhães")
	indian = newPool(
		"Aarav,Ananya,Vivaan,Diya,Arjun,Saanvi,Rohan,Priya,Ishaan,Kavya,Aditya,Meera,Rahul,Nisha",
		"Sharma,Patel,Singh,Kumar,Gupta,Reddy,Iyer,Nair,Das,Mehta,Chatterjee,Joshi,Rao,Banerjee")
	japanese = newPool(
		"Haruto,Yui,Sota,Aoi,Ren,Hina,Yuto,Sakura,Riku,Mei,Kenji,Yūki,Shōta",
		"Sato,Suzuki,Takahashi,Tanaka,Watanabe,Ito,Yamamoto,Nakamura,Kobayashi,Kato,Yoshida,Yamada,Saitō,Ōno")
	eastAsian = newPool(
		"Wei,Mei,Jun,Min-jun,Ji-woo,Hoa,Minh,Linh,Xiu,Seo-yeon",
		"Nguyen,Kim,Chen,Wang,Li,Park,Tran,Lee,Zhang,Liu,Huang,Pham")
	panAfricanArab = newPool(
		"Amira,Omar,Fatima,Yusuf,Layla,Karim,Chinedu,Adaeze,Kwame,Ama,Zainab,Tariq",
		"Ali,Khan,Hassan,Ahmed,Ibrahim,Okafor,Mensah,Adeyemi,Haddad,El-Amin,Diallo,Mbeki")
)

// asciiFold spells non-ASCII letters the way people type them in e-mail
// addresses.
var asciiFold = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'ą': "a",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ę': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i",
	'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ø': "o", 'ō': "o",
	'ú': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ū': "u",
	'ç': "c", 'ć': "c", 'ñ': "n", 'ń': "n", 'ś': "s", 'ź': "z", 'ż': "z",
	'ł': "l", 'ß': "ss",
}

// fold lower-cases a name to ASCII letters, dropping spaces, apostrophes,
// dots and hyphens.
func fold(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteRune(c)
		case asciiFold[c] != "":
			b.WriteString(asciiFold[c])
		}
	}
	return b.String()
}
