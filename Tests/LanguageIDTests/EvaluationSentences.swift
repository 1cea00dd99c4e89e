/// Held-out evaluation sentences, written for this project (not taken from the langdetect
/// training data): 12 per language, each 30+ characters, in the style of social-media posts.
/// Line format: "code<TAB>sentence". See docs/LANGUAGE-ID.md.
enum EvaluationSentences {
    static let source = #"""
en	Just finished my morning run and the weather was absolutely perfect today.
en	Does anyone know why the train to the airport is delayed again this week?
en	I can't believe how expensive groceries have become over the last year.
en	Our team shipped the new release last night and nothing caught fire.
en	My grandmother taught me how to bake bread when I was eight years old.
en	The concert was loud, crowded and honestly one of the best nights ever.
en	Please remember to bring your own water bottle to the volunteer event.
en	The city council voted to close the old library branch downtown.
en	I spent the whole weekend fixing a leak under the kitchen sink.
en	This new phone has a great camera but the battery barely lasts a day.
en	We are looking for a junior designer who enjoys working with customers.
en	Traffic on the highway was terrible because of the storm this morning.
es	Hoy he ido al mercado y las fresas estaban baratísimas, qué alegría.
es	¿Alguien sabe a qué hora abre la biblioteca los domingos por la mañana?
es	El partido de anoche fue increíble, no me lo esperaba para nada.
es	Mañana tenemos una reunión con el cliente para revisar el presupuesto.
es	Mi hermana se mudó a Valencia y dice que la vida allí es más tranquila.
es	Estoy buscando recomendaciones de libros para leer durante las vacaciones.
es	El gobierno anunció nuevas medidas para reducir el precio de la vivienda.
es	Llevamos tres semanas sin lluvia y los campos están completamente secos.
es	Me encanta cocinar los fines de semana cuando tengo tiempo libre.
es	Los estudiantes protestaron frente al ministerio durante toda la tarde.
es	No entiendo por qué la aplicación del banco siempre falla los lunes.
es	Gracias a todos por venir a la fiesta, fue una noche inolvidable.
pt	Hoje acordei cedo e fui caminhar na praia antes do trabalho.
pt	Alguém sabe se o metrô vai funcionar normalmente durante a greve?
pt	A comida daquele restaurante novo é maravilhosa, recomendo muito.
pt	Minha avó sempre dizia que a paciência é a mãe de todas as virtudes.
pt	O governo anunciou um novo programa de apoio às pequenas empresas.
pt	Estou procurando um apartamento perto da universidade para o próximo ano.
pt	O jogo de ontem foi emocionante até o último minuto da prorrogação.
pt	Não consigo acreditar que as férias já acabaram, passou muito rápido.
pt	Vamos fazer um churrasco no sábado, quem quiser pode trazer bebida.
pt	A previsão do tempo diz que vai chover o fim de semana inteiro.
pt	Os professores estão em greve há duas semanas por melhores salários.
pt	Comprei um livro novo e não consegui parar de ler até de madrugada.
fr	Je viens de terminer mon café et je suis enfin prêt pour la journée.
fr	Quelqu'un sait pourquoi le train de Lyon a encore deux heures de retard ?
fr	Les prix de l'électricité ont encore augmenté ce mois-ci, c'est n'importe quoi.
fr	Nous avons passé un week-end magnifique à la montagne avec les enfants.
fr	Le nouveau musée ouvre ses portes au public samedi prochain.
fr	J'ai enfin trouvé un appartement lumineux pas trop loin du centre-ville.
fr	La réunion a été reportée à jeudi parce que le directeur est malade.
fr	Ce film est beaucoup trop long, mais la musique est vraiment superbe.
fr	Les agriculteurs manifestent devant la préfecture depuis ce matin.
fr	Merci à tous pour vos messages, ça me fait vraiment chaud au cœur.
fr	Il faut absolument goûter les croissants de cette petite boulangerie.
fr	Mon fils commence l'école primaire en septembre et il est très excité.
de	Ich habe heute endlich meine Steuererklärung abgegeben, was für eine Erleichterung.
de	Weiß jemand, warum die S-Bahn schon wieder ausfällt?
de	Wir waren am Wochenende wandern und das Wetter war einfach traumhaft.
de	Die neue Regierung will die Mieten in den Großstädten stärker begrenzen.
de	Mein Bruder hat gestern sein erstes Vorstellungsgespräch gehabt.
de	Kann mir jemand ein gutes Buch für den Urlaub empfehlen?
de	Das Konzert gestern Abend war laut, voll und trotzdem wunderschön.
de	Seit drei Tagen regnet es ununterbrochen und der Keller ist überflutet.
de	Unsere Firma sucht ab sofort Verstärkung im Bereich Kundenservice.
de	Ich verstehe nicht, warum die Preise im Supermarkt ständig steigen.
de	Der Zug war so voll, dass ich die ganze Fahrt stehen musste.
de	Morgen früh fahren wir mit den Kindern an die Ostsee.
it	Stamattina ho preso un caffè al bar sotto casa ed era buonissimo.
it	Qualcuno sa se domani i treni regionali saranno in sciopero?
it	Abbiamo passato una settimana meravigliosa in Sicilia con gli amici.
it	Il governo ha approvato una nuova legge sulla sanità pubblica.
it	Mia nonna prepara le lasagne più buone del mondo ogni domenica.
it	Sto cercando un appartamento in affitto vicino all'università.
it	La partita di ieri sera è stata davvero emozionante fino alla fine.
it	Non capisco perché il sito del comune non funziona mai quando serve.
it	Grazie a tutti per gli auguri, è stato un compleanno bellissimo.
it	Il traffico in città oggi era insopportabile a causa della pioggia.
it	Questo libro mi ha fatto piangere e ridere nello stesso momento.
it	I ragazzi della scuola hanno organizzato una raccolta fondi per il canile.
nl	Vanochtend heb ik eindelijk mijn fiets laten repareren bij de winkel.
nl	Weet iemand waarom de trein naar Utrecht weer vertraging heeft?
nl	We zijn dit weekend naar het strand geweest en het was heerlijk weer.
nl	De gemeente wil het centrum autovrij maken vanaf volgend jaar.
nl	Mijn zus is net verhuisd naar Rotterdam en ze vindt het geweldig.
nl	Ik zoek een goed recept voor erwtensoep, heeft iemand een tip?
nl	Het concert gisteravond was fantastisch, wat een energie had die band.
nl	De huurprijzen in Amsterdam zijn echt niet meer normaal.
nl	Onze kinderen hebben vandaag hun eerste zwemdiploma gehaald.
nl	Ik begrijp niet waarom de app van de bank steeds vastloopt.
nl	Het regent al de hele week en de tuin staat helemaal onder water.
nl	Bedankt voor alle lieve berichten, ik voel me al een stuk beter.
sv	Idag har jag äntligen hunnit städa hela lägenheten, skönt.
sv	Vet någon varför tåget till Göteborg är försenat igen?
sv	Vi var ute i skärgården i helgen och vädret var helt fantastiskt.
sv	Regeringen vill sänka skatten för pensionärer nästa år.
sv	Min bror har precis börjat plugga till läkare i Uppsala.
sv	Kan någon rekommendera en bra bok att läsa på semestern?
sv	Konserten igår kväll var den bästa jag har varit på på länge.
sv	Det har snöat hela natten och bussarna går inte som vanligt.
sv	Vårt företag söker en utvecklare som gillar att jobba i team.
sv	Jag förstår inte varför matpriserna fortsätter att stiga hela tiden.
sv	Barnen byggde en snögubbe i trädgården efter skolan idag.
sv	Tack för alla fina gratulationer, ni är bäst allihop.
pl	Dzisiaj w końcu udało mi się skończyć remont kuchni.
pl	Czy ktoś wie, dlaczego pociąg do Krakowa znowu się spóźnia?
pl	Spędziliśmy weekend w górach i pogoda była po prostu cudowna.
pl	Rząd zapowiedział nowe przepisy dotyczące cen energii.
pl	Moja siostra przeprowadziła się do Gdańska i jest bardzo zadowolona.
pl	Szukam dobrej książki na wakacje, macie jakieś propozycje?
pl	Wczorajszy koncert był głośny, tłoczny i naprawdę świetny.
pl	Nie rozumiem, dlaczego ceny w sklepach ciągle rosną.
pl	Nasza firma szuka programisty do pracy w przyjaznym zespole.
pl	Od trzech dni pada deszcz i piwnica jest całkowicie zalana.
pl	Dziękuję wszystkim za życzenia, to były wspaniałe urodziny.
pl	Jutro rano jedziemy z dziećmi nad morze na cały tydzień.
ru	Сегодня наконец-то закончил ремонт на кухне, очень устал.
ru	Кто-нибудь знает, почему электричка опять опаздывает?
ru	Мы провели выходные на даче, погода была просто замечательная.
ru	Правительство объявило о новых мерах поддержки малого бизнеса.
ru	Моя сестра переехала в Петербург и очень довольна новой работой.
ru	Посоветуйте хорошую книгу для чтения в отпуске, пожалуйста.
ru	Вчерашний концерт был шумным, но мне очень понравился.
ru	Не понимаю, почему цены в магазинах постоянно растут.
ru	Наша компания ищет разработчика в дружную команду.
ru	Уже третий день идёт дождь, и подвал полностью затопило.
ru	Спасибо всем за поздравления, это был замечательный день рождения.
ru	Завтра утром мы с детьми едем на море на целую неделю.
uk	Сьогодні нарешті закінчив ремонт на кухні, дуже втомився.
uk	Хтось знає, чому електричка знову запізнюється?
uk	Ми провели вихідні на дачі, погода була просто чудова.
uk	Уряд оголосив про нові заходи підтримки малого бізнесу.
uk	Моя сестра переїхала до Львова і дуже задоволена новою роботою.
uk	Порадьте гарну книжку для читання у відпустці, будь ласка.
uk	Вчорашній концерт був гучним, але мені дуже сподобався.
uk	Не розумію, чому ціни в магазинах постійно зростають.
uk	Наша компанія шукає розробника до дружньої команди.
uk	Вже третій день йде дощ, і підвал повністю затопило.
uk	Дякую всім за привітання, це був чудовий день народження.
uk	Завтра вранці ми з дітьми їдемо на море на цілий тиждень.
tr	Bugün sonunda mutfağın tadilatını bitirdim, çok yoruldum.
tr	Trenin neden yine geciktiğini bilen var mı acaba?
tr	Hafta sonunu yazlıkta geçirdik, hava gerçekten harikaydı.
tr	Hükümet küçük işletmeler için yeni destek paketini açıkladı.
tr	Kız kardeşim İzmir'e taşındı ve yeni işinden çok memnun.
tr	Tatilde okumak için güzel bir kitap önerebilir misiniz?
tr	Dünkü konser çok kalabalıktı ama yine de çok eğlendik.
tr	Marketlerdeki fiyatların neden sürekli arttığını anlamıyorum.
tr	Şirketimiz ekibine katılacak bir yazılım geliştirici arıyor.
tr	Üç gündür yağmur yağıyor ve bodrum tamamen su altında kaldı.
tr	Doğum günü mesajlarınız için hepinize çok teşekkür ederim.
tr	Yarın sabah çocuklarla bir haftalığına denize gidiyoruz.
ar	اليوم أخيرا انتهيت من تجديد المطبخ وأنا متعب جدا.
ar	هل يعرف أحد لماذا تأخر القطار مرة أخرى هذا الصباح؟
ar	قضينا عطلة نهاية الأسبوع على البحر وكان الطقس رائعا.
ar	أعلنت الحكومة عن إجراءات جديدة لدعم الشركات الصغيرة.
ar	انتقلت أختي إلى القاهرة وهي سعيدة جدا بعملها الجديد.
ar	هل يمكنكم أن تنصحوني بكتاب جيد للقراءة في الإجازة؟
ar	كانت الحفلة أمس مزدحمة لكننا استمتعنا بها كثيرا.
ar	لا أفهم لماذا ترتفع الأسعار في المحلات باستمرار.
ar	تبحث شركتنا عن مطور برمجيات للانضمام إلى فريقنا.
ar	المطر يهطل منذ ثلاثة أيام والشوارع مغمورة بالمياه.
ar	شكرا لكم جميعا على التهاني، كان يوم ميلاد رائعا.
ar	غدا صباحا نسافر مع الأطفال إلى الشاطئ لمدة أسبوع.
fa	امروز بالاخره بازسازی آشپزخانه را تمام کردم و خیلی خسته‌ام.
fa	کسی می‌داند چرا قطار دوباره تاخیر دارد؟
fa	آخر هفته را در شمال گذراندیم و هوا واقعا عالی بود.
fa	دولت از بسته حمایتی جدید برای کسب‌وکارهای کوچک خبر داد.
fa	خواهرم به شیراز رفته و از کار جدیدش خیلی راضی است.
fa	می‌توانید یک کتاب خوب برای خواندن در تعطیلات پیشنهاد کنید؟
fa	کنسرت دیشب خیلی شلوغ بود ولی به ما خیلی خوش گذشت.
fa	نمی‌فهمم چرا قیمت‌ها در فروشگاه‌ها مدام بالا می‌رود.
fa	شرکت ما به دنبال یک برنامه‌نویس برای تیم خودش است.
fa	سه روز است که باران می‌بارد و زیرزمین پر از آب شده.
fa	از همه برای تبریک‌ها ممنونم، تولد فوق‌العاده‌ای بود.
fa	فردا صبح با بچه‌ها برای یک هفته به کنار دریا می‌رویم.
hi	आज आखिरकार मैंने रसोई की मरम्मत पूरी कर ली, बहुत थक गया हूँ।
hi	क्या किसी को पता है कि ट्रेन फिर से देर से क्यों चल रही है?
hi	हमने सप्ताहांत पहाड़ों में बिताया और मौसम बहुत सुहाना था।
hi	सरकार ने छोटे व्यापारियों के लिए नई सहायता योजना की घोषणा की।
hi	मेरी बहन दिल्ली चली गई है और अपनी नई नौकरी से बहुत खुश है।
hi	छुट्टियों में पढ़ने के लिए कोई अच्छी किताब बताइए।
hi	कल रात का संगीत कार्यक्रम बहुत भीड़ वाला था लेकिन मज़ा आया।
hi	मुझे समझ नहीं आता कि दुकानों में दाम लगातार क्यों बढ़ रहे हैं।
hi	हमारी कंपनी को अपनी टीम के लिए एक डेवलपर की तलाश है।
hi	तीन दिन से लगातार बारिश हो रही है और गलियों में पानी भर गया है।
hi	जन्मदिन की शुभकामनाओं के लिए आप सभी का बहुत धन्यवाद।
hi	कल सुबह हम बच्चों के साथ एक हफ्ते के लिए समुद्र किनारे जा रहे हैं।
id	Hari ini akhirnya saya selesai merenovasi dapur, capek sekali.
id	Ada yang tahu kenapa kereta ke Bandung terlambat lagi hari ini?
id	Kami menghabiskan akhir pekan di pantai dan cuacanya sangat cerah.
id	Pemerintah mengumumkan bantuan baru untuk usaha kecil dan menengah.
id	Adik saya baru pindah ke Surabaya dan dia senang dengan pekerjaannya.
id	Ada rekomendasi buku yang bagus untuk dibaca selama liburan?
id	Konser tadi malam sangat ramai tapi kami tetap menikmatinya.
id	Saya tidak mengerti kenapa harga di pasar terus naik setiap minggu.
id	Perusahaan kami sedang mencari pengembang untuk bergabung dengan tim.
id	Sudah tiga hari hujan terus dan jalanan di depan rumah banjir.
id	Terima kasih atas semua ucapan ulang tahunnya, kalian luar biasa.
id	Besok pagi kami akan berangkat ke Bali bersama anak-anak.
ja	今日はやっと台所のリフォームが終わって、とても疲れました。今夜は早く寝ます。
ja	電車がまた遅れている理由を知っている人はいますか？会議に間に合いそうにありません。
ja	週末は海の近くで過ごしましたが、天気が本当に最高でした。また行きたいです。
ja	政府は中小企業向けの新しい支援策を発表しましたが、効果はまだ分かりません。
ja	妹が大阪に引っ越して、新しい仕事をとても気に入っているそうです。
ja	休みの間に読むのにおすすめの本があれば、ぜひ教えてください。小説が好きです。
ja	昨日のコンサートはすごく混んでいたけど、本当に楽しかった。声がかれました。
ja	どうしてスーパーの値段がずっと上がり続けているのか分かりません。
ja	私たちの会社では、チームに加わってくれるエンジニアを募集しています。
ja	三日間ずっと雨が降っていて、地下室が水浸しになってしまいました。
ja	誕生日のお祝いのメッセージを送ってくれた皆さん、ありがとうございます。
ja	明日の朝、子どもたちと一週間の予定で海に行ってきます。天気が良いといいな。
ko	오늘 드디어 부엌 리모델링을 끝냈는데 너무 피곤하네요.
ko	기차가 왜 또 늦어지는지 아시는 분 계신가요? 회의에 늦을 것 같아요.
ko	주말에 바닷가에서 보냈는데 날씨가 정말 최고였어요. 또 가고 싶네요.
ko	정부가 중소기업을 위한 새로운 지원 정책을 발표했습니다.
ko	여동생이 부산으로 이사했는데 새 직장이 아주 마음에 든대요.
ko	휴가 때 읽을 만한 좋은 책 좀 추천해 주세요. 소설이면 더 좋아요.
ko	어제 콘서트는 사람이 너무 많았지만 정말 재미있었어요.
ko	마트 물가가 왜 계속 오르는지 도무지 이해가 안 돼요.
ko	저희 회사에서 함께 일할 개발자를 찾고 있습니다. 많은 지원 바랍니다.
ko	사흘째 비가 계속 내려서 지하실이 물에 잠겼어요. 정말 큰일이에요.
ko	생일 축하 메시지를 보내 주신 모든 분들께 감사드립니다.
ko	내일 아침에 아이들과 일주일 동안 바다에 다녀올 거예요.
zh	今天终于把厨房装修完了，累得不行，晚上一定要早点睡觉，明天还要上班。
zh	有人知道火车为什么又晚点了吗？我开会肯定要迟到了，真是太让人着急了。
zh	我们周末去了海边，天气真的特别好，孩子们在沙滩上玩了一整天都不想回家。
zh	政府宣布了支持中小企业的新措施，不过很多老板认为这些政策来得太晚了。
zh	我妹妹搬到上海去了，她对新工作非常满意，就是房租实在太贵了一点。
zh	大家能推荐几本适合假期阅读的好书吗？我比较喜欢历史和科幻类的小说。
zh	昨天晚上的演唱会人特别多，不过我们玩得很开心，回家的时候嗓子都哑了。
zh	我不明白为什么超市里的价格一直在涨，工资却一点都没有变化，生活越来越难了。
zh	我们公司正在招聘一名开发工程师加入团队，有兴趣的朋友可以私信联系我。
zh	已经连续下了三天雨，地下室全被水淹了，希望明天天气能够好起来。
zh	谢谢大家的生日祝福，今天真是美好的一天，我会永远记得你们的心意。
zh	明天早上我们要带孩子们去海边玩一个星期，希望这几天不要下雨。
th	วันนี้ในที่สุดก็ซ่อมห้องครัวเสร็จแล้ว เหนื่อยมากเลย
th	มีใครรู้บ้างไหมว่าทำไมรถไฟถึงล่าช้าอีกแล้ว
th	เราใช้เวลาช่วงสุดสัปดาห์ที่ทะเล และอากาศดีมากจริงๆ
th	รัฐบาลประกาศมาตรการใหม่เพื่อช่วยเหลือธุรกิจขนาดเล็ก
th	น้องสาวของฉันย้ายไปอยู่เชียงใหม่และชอบงานใหม่มาก
th	ช่วยแนะนำหนังสือดีๆ สำหรับอ่านช่วงวันหยุดหน่อยได้ไหม
th	คอนเสิร์ตเมื่อคืนคนเยอะมาก แต่พวกเราสนุกกันมาก
th	ไม่เข้าใจเลยว่าทำไมราคาสินค้าในซูเปอร์มาร์เก็ตขึ้นตลอด
th	บริษัทของเรากำลังมองหานักพัฒนาซอฟต์แวร์มาร่วมทีม
th	ฝนตกติดต่อกันมาสามวันแล้ว และห้องใต้ดินก็น้ำท่วมหมด
th	ขอบคุณทุกคนสำหรับคำอวยพรวันเกิด เป็นวันที่วิเศษมาก
th	พรุ่งนี้เช้าเราจะพาลูกๆ ไปเที่ยวทะเลหนึ่งสัปดาห์
"""#
}
