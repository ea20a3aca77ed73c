"""The network's geography and duty bearers, as named in DOMAIN.md (English, Bengali)."""

DISTRICTS = [("N24P", "North 24 Parganas", "উত্তর ২৪ পরগনা"), ("NADIA", "Nadia", "নদিয়া")]

BLOCKS = [
    ("Barasat-I", "বারাসত-১"), ("Barasat-II", "বারাসত-২"), ("Amdanga", "আমডাঙা"),
    ("Bagdah", "বাগদা"), ("Bongaon", "বনগাঁ"), ("Gaighata", "গাইঘাটা"), ("Habra", "হাবড়া"),
    ("Swarupnagar", "স্বরূপনগর"), ("Baduria", "বাদুড়িয়া"), ("Deganga", "দেগঙ্গা"),
    ("Basirhat-I", "বসিরহাট-১"), ("Basirhat-II", "বসিরহাট-২"), ("Hasnabad", "হাসনাবাদ"),
    ("Sandeshkhali-I", "সন্দেশখালি-১"), ("Sandeshkhali-II", "সন্দেশখালি-২"),
    ("Barrackpur-I", "ব্যারাকপুর-১"), ("Barrackpur-II", "ব্যারাকপুর-২"),
    ("Hingalganj", "হিঙ্গলগঞ্জ"),
]

MUNICIPALITIES = [
    ("Barasat", "বারাসত"), ("Baduria", "বাদুড়িয়া"), ("Madhyamgram", "মধ্যমগ্রাম"),
    ("Bongaon", "বনগাঁ"), ("Basirhat", "বসিরহাট"), ("Taki", "টাকি"),
    ("Barrackpore", "ব্যারাকপুর"), ("Habra", "হাবড়া"),
]

GRAM_PANCHAYATS = [
    ("Beraberia", "বেড়াবেড়িয়া", "Deganga"), ("Bodai", "বোদাই", "Deganga"),
    ("Sutia", "সুটিয়া", "Gaighata"), ("Shimulpur", "শিমুলপুর", "Gaighata"),
]

# code, English name, Bengali name, short Bengali form for office names, level
DEPARTMENTS = [
    ("BDO", "Block Development Officer", "ব্লক উন্নয়ন আধিকারিক", "বিডিও", "block"),
    ("BWO", "Block Welfare Officer", "ব্লক কল্যাণ আধিকারিক", "বিডব্লিউও", "block"),
    ("WDO", "Women Development Officer", "নারী উন্নয়ন আধিকারিক", "ডব্লিউডিও", "block"),
    ("BLDO", "Block Livestock Development Officer", "ব্লক প্রাণিসম্পদ উন্নয়ন আধিকারিক",
     "বিএলডিও", "block"),
    ("SABHAPATI", "Sabhapati, Panchayat Samiti", "সভাপতি, পঞ্চায়েত সমিতি", "সভাপতি", "block"),
    ("NOSK", "Nari-O-Shishu Karmadhakshya", "নারী ও শিশু কর্মাধ্যক্ষ", "নারী ও শিশু কর্মাধ্যক্ষ",
     "block"),
    ("ANWESHA", "Anwesha counsellor", "অন্বেষা কাউন্সেলর", "অন্বেষা", "block"),
    ("PS", "Police station, child protection officer", "থানা, শিশু সুরক্ষা আধিকারিক", "থানা",
     "block"),
    ("PRADHAN", "Gram Panchayat Pradhan", "গ্রাম পঞ্চায়েত প্রধান", "প্রধান", "gram_panchayat"),
    ("DM", "District Magistrate", "জেলাশাসক", "জেলাশাসক", "district"),
    ("DSWO", "District Social Welfare Officer", "জেলা সমাজকল্যাণ আধিকারিক", "ডিএসডব্লিউও",
     "district"),
    ("DCPO", "District Child Protection Officer", "জেলা শিশু সুরক্ষা আধিকারিক", "ডিসিপিও",
     "district"),
    ("DLSA", "District Legal Services Authority", "জেলা আইনি পরিষেবা কর্তৃপক্ষ", "ডিএলএসএ",
     "district"),
    ("SP", "Superintendent of Police", "পুলিশ সুপার", "পুলিশ সুপার", "district"),
    ("AHTU", "Anti Human Trafficking Unit", "মানব পাচার বিরোধী ইউনিট", "এএইচটিইউ", "district"),
    ("CHILDLINE", "Childline", "চাইল্ডলাইন", "চাইল্ডলাইন", "district"),
    ("DH", "District hospital", "জেলা হাসপাতাল", "জেলা হাসপাতাল", "district"),
]

BLOCK_DEPARTMENTS = ("BDO", "BWO", "WDO", "BLDO", "SABHAPATI", "NOSK", "PS")
DISTRICT_DEPARTMENTS = {
    "N24P": ("DM", "DSWO", "DCPO", "DLSA", "SP", "CHILDLINE", "DH"),
    "NADIA": ("DM", "DSWO", "DCPO", "DLSA", "SP", "DH"),
}
AHTU_UNITS = [("Barasat", "বারাসত"), ("Basirhat", "বসিরহাট"), ("Bongaon", "বনগাঁ")]

FIRST_NAMES = ["Amit", "Anirban", "Arup", "Debashis", "Dipankar", "Gautam", "Indrani", "Jayanta",
               "Kakali", "Madhumita", "Moumita", "Nirmal", "Partha", "Rina", "Sanjib", "Shampa",
               "Subhash", "Sudeshna", "Tapas", "Uttam"]
SURNAMES = ["Banerjee", "Biswas", "Chakraborty", "Das", "Ghosh", "Halder", "Mandal", "Mitra",
            "Mondal", "Pal", "Roy", "Saha", "Sarkar", "Sen"]
