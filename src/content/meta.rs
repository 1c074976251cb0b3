//! What a page's front matter says: the typed keys, and the seed that reads
//! them knowing which taxonomies the site declares (their ids are keys too).
//! An unknown key is refused while it is read, so its error points at it.

use std::collections::BTreeMap;

use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::frontmatter::Date;
use crate::slug::slugify;

/// The front matter of a page or section: the keys of
/// [`config::PAGE_KEYS`](crate::config::PAGE_KEYS), and the terms of each
/// declared taxonomy under the taxonomy's id (`tags: [apology, email]`).
/// Any other key is an error.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub draft: bool,
    pub weight: Option<i64>,
    pub slug: Option<Slug>,
    pub aliases: Vec<Alias>,
    /// Taxonomy id → the terms the page is filed under, as written.
    pub terms: BTreeMap<String, Vec<String>>,
    pub template: Option<String>,
    /// The page's own card image for links shared elsewhere (`image:`).
    pub image: Option<String>,
    /// Words a reader may search with that the page itself does not use
    /// (`keywords: [former boss]` on a page that says "manager"); searched,
    /// never shown.
    pub keywords: Vec<String>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// In a translation (`timing.es.md`): the first 12 hex digits of the
    /// SHA-256 of the source file it was made from, so that `guide check`
    /// can name the translations whose source changed since.
    pub source_hash: Option<String>,
}

impl FrontMatter {
    /// The page's terms in one taxonomy (none when it has none).
    pub fn terms_of(&self, taxonomy: &str) -> &[String] {
        self.terms.get(taxonomy).map_or(&[], Vec::as_slice)
    }
}

/// Reads front matter knowing which taxonomies the site declares, since
/// their ids are keys too.
pub struct FrontMatterSeed<'a> {
    pub taxonomies: Vec<&'a str>,
    /// Set to each key before its value is read, so that an error serde_yaml
    /// places at the start of the mapping (our own checks' errors) can be
    /// moved to the key's line ([`super::frontmatter::at_key`]).
    pub reading: Option<&'a std::cell::RefCell<String>>,
}

impl<'de> DeserializeSeed<'de> for FrontMatterSeed<'_> {
    type Value = FrontMatter;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<FrontMatter, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FrontMatterSeed<'_> {
    type Value = FrontMatter;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a mapping")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FrontMatter, A::Error> {
        let mut meta = FrontMatter::default();
        let mut seen: Vec<String> = Vec::new();
        let keys = KeySeed {
            taxonomies: &self.taxonomies,
        };
        while let Some(key) = map.next_key_seed(keys)? {
            if seen.contains(&key) {
                return Err(A::Error::custom(format!("duplicate field `{key}`")));
            }
            if let Some(reading) = self.reading {
                reading.replace(key.clone());
            }
            match key.as_str() {
                "title" => meta.title = map.next_value()?,
                "description" => meta.description = map.next_value()?,
                "date" => meta.date = map.next_value()?,
                "updated" => meta.updated = map.next_value()?,
                "draft" => meta.draft = map.next_value()?,
                "weight" => meta.weight = map.next_value()?,
                "slug" => meta.slug = map.next_value()?,
                "aliases" => meta.aliases = map.next_value()?,
                "template" => meta.template = map.next_value()?,
                "image" => meta.image = map.next_value()?,
                "source_hash" => meta.source_hash = map.next_value()?,
                "keywords" => {
                    meta.keywords = keywords(map.next_value()?).map_err(A::Error::custom)?
                }
                "extra" => meta.extra = map.next_value::<UniqueMap>()?.0,
                // KeySeed let through only page keys and taxonomies.
                _ => {
                    let terms: Vec<String> = map.next_value()?;
                    if let Some(name) = terms.iter().find(|t| slugify(t).is_empty()) {
                        return Err(A::Error::custom(format!(
                            "the {key} term `{name}` has no letters or digits to make a URL from"
                        )));
                    }
                    meta.terms.insert(key.clone(), terms);
                }
            }
            seen.push(key);
        }
        Ok(meta)
    }
}

/// The `keywords` of a page, each trimmed; an empty one is refused, since
/// it can only be a slip (`keywords: [boss, , manager]`).
fn keywords(written: Vec<String>) -> Result<Vec<String>, String> {
    let mut keywords = Vec::with_capacity(written.len());
    for (n, keyword) in written.into_iter().enumerate() {
        let keyword = keyword.trim();
        if keyword.is_empty() {
            return Err(format!("keywords: entry {} is empty", n + 1));
        }
        keywords.push(keyword.to_string());
    }
    Ok(keywords)
}

/// A front-matter key, refused while it is read when it is neither a page
/// key nor a taxonomy, so the error points at the key itself.
#[derive(Clone, Copy)]
struct KeySeed<'a, 'b> {
    taxonomies: &'a [&'b str],
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        // Refused inside the visitor, where serde_yaml still knows the key's place.
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_, '_> {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a front-matter key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<String, E> {
        let known = crate::config::PAGE_KEYS.contains(&key) || self.taxonomies.contains(&key);
        if known {
            return Ok(key.to_string());
        }
        // serde's own wording, which the located error reads.
        let expected: Vec<String> = crate::config::PAGE_KEYS
            .iter()
            .chain(self.taxonomies)
            .map(|k| format!("`{k}`"))
            .collect();
        Err(E::custom(format!(
            "unknown field `{key}`, expected one of {}",
            expected.join(", ")
        )))
    }
}

/// Front matter read with `tags` as the only taxonomy.
impl<'de> Deserialize<'de> for FrontMatter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        FrontMatterSeed {
            taxonomies: vec![crate::config::TAGS],
            reading: None,
        }
        .deserialize(deserializer)
    }
}

/// A slug given in front matter: one URL segment, never a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(pub String);

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.contains('/') || text.contains('\\') {
            return Err(D::Error::custom(format!(
                "slug `{text}` must be one URL segment, without `/` or `\\`"
            )));
        }
        let slug = slugify(&text);
        if slug.is_empty() {
            return Err(D::Error::custom(format!(
                "slug `{text}` has no letters or digits to make a URL from"
            )));
        }
        Ok(Slug(slug))
    }
}

/// An old URL path of a page (`/old/place/`): a path on the site, never a way
/// out of the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias(pub String);

impl<'de> Deserialize<'de> for Alias {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bad_segment = text.split('/').any(|s| s == "." || s == "..");
        if text.trim().is_empty() || bad_segment || text.contains(['\\', '?', '#']) {
            return Err(D::Error::custom(format!(
                "alias `{text}` must be a URL path such as /old/place/, without `.` or `..` segments, `\\`, `?` or `#`"
            )));
        }
        Ok(Alias(text))
    }
}

/// A mapping (`extra:`) in which no key is written twice, at any depth:
/// serde_yaml lets the last of two equal keys win in a free-form map, and a
/// typo must not silently replace a value.
struct UniqueMap(serde_json::Map<String, serde_json::Value>);

impl<'de> Deserialize<'de> for UniqueMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_any(UniqueValue)? {
            serde_json::Value::Object(map) => Ok(UniqueMap(map)),
            other => Err(D::Error::custom(format!(
                "extra: invalid type: {}, expected a map",
                json_kind(&other)
            ))),
        }
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "sequence",
        serde_json::Value::Object(_) => "map",
    }
}

/// Reads any YAML value as JSON, refusing a key written twice in a mapping.
#[derive(Clone, Copy)]
struct UniqueValue;

impl<'de> DeserializeSeed<'de> for UniqueValue {
    type Value = serde_json::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueValue {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(items.into())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.contains_key(&key) {
                return Err(A::Error::custom(format!("duplicate field `{key}`")));
            }
            let value = map.next_value_seed(self)?;
            fields.insert(key, value);
        }
        Ok(fields.into())
    }
}
