/// Earshot's own additions to the VADER lexicon, applied on top of it.
///
/// One directive a line, `token<TAB>directive`; blank lines and lines starting
/// with `//` are ignored. Tokens are lowercase; multi-word tokens are phrases
/// matched on consecutive tokens. Directives:
/// - a number: the token's valence (replaces the VADER value);
/// - `negate`: negator;
/// - `boost N`: booster (N > 0) or dampener (N < 0) of the following sentiment words;
/// - `postboost N`: booster of the preceding sentiment word;
/// - `role NAME`: a rule role (`contrast`, `no`, `least`, `leastguard`, `never`,
///   `intensifier`, `without`, `doubt`, `like`, `likesubject`, `excess`);
/// - `= word`: slang or misspelling sharing the entry of `word` (which must be known);
/// - `word`: a common English word, known for hashtag segmentation and kept
///   in the small table of frequent words.
///
/// The negator and booster lists, the special-case phrases and the idioms
/// are those published with VADER (Hutto & Gilbert 2014, MIT licence, see
/// data/vader/NOTICE.md); the slang, misspellings, evaluative words, emoji
/// valences and common words are Earshot's.
let socialLexiconSource = #"""
// Negators (VADER's list, plus spellings seen on social media).
aint	negate
arent	negate
cannot	negate
cant	negate
couldnt	negate
darent	negate
didnt	negate
doesnt	negate
ain't	negate
aren't	negate
can't	negate
couldn't	negate
daren't	negate
didn't	negate
doesn't	negate
dont	negate
hadnt	negate
hasnt	negate
havent	negate
isnt	negate
mightnt	negate
mustnt	negate
neither	negate
don't	negate
hadn't	negate
hasn't	negate
haven't	negate
isn't	negate
mightn't	negate
mustn't	negate
neednt	negate
needn't	negate
never	negate
none	negate
nope	negate
nor	negate
not	negate
nothing	negate
nowhere	negate
oughtnt	negate
shant	negate
shouldnt	negate
uhuh	negate
wasnt	negate
werent	negate
oughtn't	negate
shan't	negate
shouldn't	negate
uh-uh	negate
wasn't	negate
weren't	negate
without	negate
wont	negate
wouldnt	negate
won't	negate
wouldn't	negate
rarely	negate
seldom	negate
despite	negate
n't	negate
dnt	negate
no	negate
// Rule roles.
but	role contrast
no	role no
least	role least
at	role leastguard
very	role leastguard
never	role never
so	role intensifier
this	role intensifier
without	role without
doubt	role doubt
like	role like
too	role excess
i	role likesubject
we	role likesubject
you	role likesubject
they	role likesubject
would	role likesubject
'd	role likesubject
i'd	role likesubject
really	role likesubject
do	role likesubject
don't	role likesubject
dont	role likesubject
didn't	role likesubject
didnt	role likesubject
also	role likesubject
// Boosters and dampeners (VADER's degree adverbs).
absolutely	boost 0.293
amazingly	boost 0.293
awfully	boost 0.293
completely	boost 0.293
considerable	boost 0.293
considerably	boost 0.293
decidedly	boost 0.293
deeply	boost 0.293
effing	boost 0.293
enormous	boost 0.293
enormously	boost 0.293
entirely	boost 0.293
especially	boost 0.293
exceptional	boost 0.293
exceptionally	boost 0.293
extreme	boost 0.293
extremely	boost 0.293
fabulously	boost 0.293
flipping	boost 0.293
flippin	boost 0.293
frackin	boost 0.293
fracking	boost 0.293
fricking	boost 0.293
frickin	boost 0.293
frigging	boost 0.293
friggin	boost 0.293
fully	boost 0.293
fuckin	boost 0.293
fucking	boost 0.293
fuggin	boost 0.293
fugging	boost 0.293
greatly	boost 0.293
hella	boost 0.293
highly	boost 0.293
hugely	boost 0.293
incredible	boost 0.293
incredibly	boost 0.293
intensely	boost 0.293
major	boost 0.293
majorly	boost 0.293
more	boost 0.293
most	boost 0.293
particularly	boost 0.293
purely	boost 0.293
quite	boost 0.293
really	boost 0.293
remarkably	boost 0.293
so	boost 0.293
substantially	boost 0.293
thoroughly	boost 0.293
total	boost 0.293
totally	boost 0.293
tremendous	boost 0.293
tremendously	boost 0.293
uber	boost 0.293
unbelievably	boost 0.293
unusually	boost 0.293
utter	boost 0.293
utterly	boost 0.293
very	boost 0.293
almost	boost -0.293
barely	boost -0.293
hardly	boost -0.293
just enough	boost -0.293
kind of	boost -0.293
kinda	boost -0.293
kindof	boost -0.293
kind-of	boost -0.293
less	boost -0.293
little	boost -0.293
marginal	boost -0.293
marginally	boost -0.293
occasional	boost -0.293
occasionally	boost -0.293
partly	boost -0.293
scarce	boost -0.293
scarcely	boost -0.293
slight	boost -0.293
slightly	boost -0.293
somewhat	boost -0.293
sort of	boost -0.293
sorta	boost -0.293
sortof	boost -0.293
sort-of	boost -0.293
// Social-media boosters.
fairly	boost -0.293
super	boost 0.293
mega	boost 0.293
rly	boost 0.293
srsly	boost 0.293
freaking	boost 0.293
freakin	boost 0.293
af	postboost 0.293
asf	postboost 0.293
// Special-case phrases and idioms (VADER).
the shit	3
the bomb	3
bad ass	1.5
badass	1.5
bus stop	0
yeah right	-2
kiss of death	-1.5
to die for	3
beating heart	3.5
cut the mustard	2
hand to mouth	-2
back handed	-2
blow smoke	-2
blowing smoke	-2
upper hand	1
break a leg	2
cooking with gas	2
in the black	2
in the red	-2
on the ball	2
under the weather	-2
// Social-media phrases.
epic fail	-2.8
epic win	2.8
thanks for nothing	-2
can't wait	1.8
cant wait	1.8
cannot wait	1.8
couldn't be happier	3
couldnt be happier	3
not be happier	3
couldn't be better	2.5
couldnt be better	2.5
not be better	2.5
can't complain	1
cant complain	1
// Inflections the derivation rules would get wrong (adjective + s, "hand" idioms).
kinds	0
goods	0
wells	0
hands	0
handed	0
handing	0
// Slang valences.
fml	-2.5
stfu	-2.3
gtfo	-2.0
smfh	-1.8
ffs	-1.5
lit	2.0
dope	2.0
cringe	-1.8
cringy	-1.8
cringey	-1.8
yikes	-1.5
oof	-1.0
sus	-1.0
salty	-1.2
toxic	-2.3
trash	-2.0
garbage	-2.0
bae	2.0
slay	2.0
yas	2.0
yass	2.0
yuck	-2.0
ew	-1.8
eww	-1.8
bleh	-1.0
hehe	1.5
yup	0.6
epic	1.8
// Evaluative words missing from VADER (reviews, products, media).
touching	1.5
riveting	2.6
gripping	2.2
engrossing	2.2
mesmerizing	2.6
captivating	2.6
inventive	2.0
imaginative	2.0
refreshing	2.0
vivid	1.5
masterful	3.0
gem	2.5
poignant	1.8
insightful	2.2
thought-provoking	2.2
sturdy	1.5
durable	1.8
crisp	1.2
sleek	1.8
intuitive	1.8
seamless	1.8
impeccable	3.0
exquisite	3.0
polished	1.5
authentic	1.5
unforgettable	2.5
memorable	2.0
must-see	2.5
uplifting	2.5
finest	2.8
affordable	1.5
handy	1.5
accurate	1.2
comfy	2.0
cozy	2.0
tasty	2.0
stylish	2.0
legendary	2.5
iconic	2.0
smooth	1.2
stoked	2.5
pumped	1.8
spectacular	3.0
phenomenal	3.2
charismatic	2.0
pretentious	-1.8
pointless	-2.2
tedious	-2.0
contrived	-1.5
incoherent	-2.0
generic	-1.0
bland	-1.5
mediocre	-1.8
predictable	-1.0
cliche	-1.3
cliched	-1.3
cliché	-1.3
clichéd	-1.3
clichés	-1.3
formulaic	-1.5
shallow	-1.2
devoid	-1.5
lifeless	-2.0
soulless	-2.2
unwatchable	-3.0
overrated	-1.8
overlong	-1.5
overwrought	-1.5
overblown	-1.5
overpriced	-2.0
sloppy	-1.8
clumsy	-1.5
amateurish	-2.0
cheesy	-1.2
corny	-1.2
plodding	-1.5
lackluster	-2.0
forgettable	-1.8
tiresome	-2.0
flimsy	-1.8
glitchy	-1.8
buggy	-1.5
laggy	-1.8
junk	-2.0
overhyped	-1.5
ripoff	-2.5
rip-off	-2.5
cringeworthy	-2.0
insufferable	-2.5
abysmal	-3.0
atrocious	-3.0
subpar	-1.8
shoddy	-2.2
bloated	-1.5
muddled	-1.5
convoluted	-1.3
preachy	-1.3
senseless	-2.0
schmaltzy	-1.2
mawkish	-1.5
banal	-1.8
hackneyed	-1.8
derivative	-1.2
stale	-1.5
snooze	-1.5
yawn	-1.2
choppy	-1.2
uneven	-1.0
hollow	-1.5
vapid	-2.0
inept	-2.2
misguided	-1.5
misfire	-1.8
botched	-2.0
underwhelming	-1.8
unbearable	-2.5
// Emoji VADER's descriptions leave neutral.
👍	1.8
👎	-1.8
🙏	1.2
💯	1.5
🔥	1.5
🙄	-1.3
👏	1.5
🤮	-2.5
🤬	-2.8
💩	-1.5
😉	1
😋	1.5
🤩	2.5
😜	1
😛	0.8
😝	0.8
🤪	1
💪	1.2
🤞	0.8
😒	-1.5
😤	-1.5
😡	-2.5
😔	-1.2
😑	-0.6
😐	-0.3
🤢	-2
😷	-0.8
🤒	-1.2
🤕	-1.2
🤦	-1.5
💔	-2.5
✅	0.8
❌	-0.8
// Slang and misspellings of known words.
luv	= love
luvs	= loves
luv'd	= loved
lov	= love
lovin	= loving
gud	= good
gr8t	= great
grt	= great
awsome	= awesome
awsum	= awesome
awesum	= awesome
amazin	= amazing
amazeballs	= amazing
kool	= cool
kewl	= cool
thx	= thanks
thanx	= thanks
thnx	= thanks
tnx	= thanks
pls	= please
plz	= please
h8	= hate
h8ers	= haters
h8rs	= haters
suxx	= sux
fave	= fav
gorg	= gorgeous
ridic	= ridiculous
omfg	= wtf
hatin	= hating
terible	= terrible
horible	= horrible
horrable	= horrible
disapointed	= disappointed
dissapointed	= disappointed
dissappointed	= disappointed
disapointing	= disappointing
dissapointing	= disappointing
recomend	= recommend
reccomend	= recommend
reccommend	= recommend
beautifull	= beautiful
beatiful	= beautiful
butiful	= beautiful
wonderfull	= wonderful
excelent	= excellent
exellent	= excellent
aweful	= awful
gorgous	= gorgeous
happ	= happy
hapy	= happy
stoopid	= stupid
stupd	= stupid
suckz	= sucks
worstt	= worst
bst	= best
favourite	= favorite
embarassing	= embarrassing
embarassed	= embarrassed
// Common words for hashtag segmentation.
a	word
about	word
after	word
again	word
all	word
always	word
am	word
an	word
and	word
any	word
are	word
as	word
at	word
back	word
be	word
because	word
been	word
before	word
being	word
big	word
birthday	word
book	word
boy	word
but	word
by	word
can	word
car	word
cat	word
city	word
coffee	word
come	word
day	word
days	word
did	word
do	word
dog	word
done	word
down	word
end	word
even	word
ever	word
every	word
face	word
family	word
fan	word
first	word
food	word
for	word
friday	word
friends	word
from	word
game	word
get	word
girl	word
go	word
going	word
got	word
had	word
has	word
have	word
he	word
her	word
here	word
him	word
his	word
home	word
how	word
i	word
if	word
in	word
into	word
is	word
it	word
its	word
just	word
last	word
life	word
live	word
long	word
look	word
made	word
make	word
man	word
me	word
monday	word
more	word
morning	word
movie	word
much	word
music	word
my	word
new	word
news	word
next	word
night	word
no	word
not	word
now	word
of	word
off	word
on	word
one	word
only	word
or	word
our	word
out	word
over	word
people	word
phone	word
real	word
right	word
saturday	word
school	word
season	word
see	word
she	word
show	word
so	word
some	word
still	word
summer	word
sunday	word
team	word
than	word
that	word
the	word
their	word
them	word
then	word
there	word
they	word
thing	word
things	word
this	word
thursday	word
time	word
to	word
today	word
tonight	word
too	word
tuesday	word
two	word
up	word
us	word
very	word
was	word
watch	word
way	word
we	word
wednesday	word
week	word
weekend	word
went	word
what	word
when	word
where	word
who	word
why	word
will	word
with	word
work	word
world	word
year	word
yet	word
you	word
your	word
"""#
