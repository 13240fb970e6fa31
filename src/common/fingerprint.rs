//! Certificate fingerprints as users type them: normalised to the `AB:CD:...` form the engine
//! stores and compares.

/// Brings a fingerprint typed by a user (any case, colons optional) to the `AB:CD:...` form;
/// `None` if it is not 32 hex bytes.
pub fn normalize_fingerprint(text: &str) -> Option<String> {
    let hex: String = text.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let upper = hex.to_ascii_uppercase();
    let pairs: Vec<&str> = (0..32).map(|i| &upper[i * 2..i * 2 + 2]).collect();
    Some(pairs.join(":"))
}
