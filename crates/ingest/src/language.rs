//! Language identification of a document's text (whatlang), with a reliability verdict
//! strict enough for skipping documents.

/// ISO 639-1 code (639-3 where there is none) and whether the detection is reliable.
pub fn identify_language(text: &str) -> Option<(String, bool)> {
    let sample: String = text.chars().take(4000).collect();
    let info = whatlang::detect(&sample)?;
    let code3 = info.lang().code();
    let code = match code3 {
        "eng" => "en",
        "deu" => "de",
        "fra" => "fr",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "nld" => "nl",
        "rus" => "ru",
        "ukr" => "uk",
        "pol" => "pl",
        "ces" => "cs",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "nb",
        "fin" => "fi",
        "tur" => "tr",
        "ara" => "ar",
        "heb" => "he",
        "cmn" => "zh",
        "jpn" => "ja",
        "kor" => "ko",
        "hin" => "hi",
        "ell" => "el",
        "hun" => "hu",
        "ron" => "ro",
        "ind" => "id",
        "vie" => "vi",
        "tha" => "th",
        "pes" => "fa",
        "cat" => "ca",
        "hrv" => "hr",
        "srp" => "sr",
        "bul" => "bg",
        "slk" => "sk",
        "slv" => "sl",
        other => other,
    };
    // Short texts are unreliable; require enough letters as well as whatlang's verdict.
    let reliable = info.is_reliable() && sample.chars().filter(|c| c.is_alphabetic()).count() >= 40;
    Some((code.to_string(), reliable))
}
