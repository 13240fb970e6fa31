//! A small element tree read with quick-xml: enough of XML for FileZilla's files (elements,
//! attributes, text with entities and CDATA), with errors that give the line.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::FileZillaError;

/// Deeper than any site manager file; protects the recursive walks from hostile input.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Default)]
pub(super) struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Content>,
}

#[derive(Debug)]
pub(super) enum Content {
    Text(String),
    Element(Element),
}

impl Element {
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Content::Element(e) => Some(e),
            Content::Text(_) => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The text directly inside this element (not inside its children).
    pub fn own_text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                Content::Text(t) => Some(t.as_str()),
                Content::Element(_) => None,
            })
            .collect()
    }

    /// The text of child `name`, if there is such a child.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(Element::own_text)
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn line_at(text: &str, position: u64) -> usize {
    let end = usize::try_from(position)
        .unwrap_or(usize::MAX)
        .min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Parses a whole document into its root element.
pub(super) fn parse(text: &str) -> Result<Element, FileZillaError> {
    let mut reader = Reader::from_str(text);
    let error = |reader: &Reader<&[u8]>, message: String| FileZillaError::Xml {
        line: line_at(text, reader.error_position().max(reader.buffer_position())),
        message,
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| error(&reader, e.to_string()))?;
        let text_piece = match event {
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(&reader, "elements nested too deeply".to_string()));
                }
                stack.push(element(&start).map_err(|m| error(&reader, m))?);
                continue;
            }
            Event::Empty(start) => {
                let element = element(&start).map_err(|m| error(&reader, m))?;
                attach(&mut stack, &mut root, element);
                continue;
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(error(&reader, "an end tag without a start".to_string()));
                };
                attach(&mut stack, &mut root, done);
                continue;
            }
            Event::Text(t) => t
                .xml10_content()
                .map_err(|e| error(&reader, e.to_string()))?
                .into_owned(),
            Event::CData(t) => t
                .xml10_content()
                .map_err(|e| error(&reader, e.to_string()))?
                .into_owned(),
            Event::GeneralRef(r) => reference(&r).map_err(|m| error(&reader, m))?,
            Event::Eof => break,
            _ => continue,
        };
        if let Some(parent) = stack.last_mut() {
            match parent.children.last_mut() {
                Some(Content::Text(t)) => t.push_str(&text_piece),
                _ => parent.children.push(Content::Text(text_piece)),
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(FileZillaError::Xml {
            line: line_at(text, text.len() as u64),
            message: format!("<{}> is not closed", open.name),
        });
    }
    root.ok_or(FileZillaError::Xml {
        line: 1,
        message: "the file has no XML element".to_string(),
    })
}

/// A finished element goes into the open one, or is the root.
fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Content::Element(element)),
        None => *root = Some(element),
    }
}

/// The text of a character reference (`&#233;`) or a predefined entity (`&amp;`).
fn reference(r: &BytesRef<'_>) -> Result<String, String> {
    if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
        return Ok(c.to_string());
    }
    let name = r.decode().map_err(|e| e.to_string())?;
    resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| format!("unknown entity &{name};"))
}

fn element(start: &BytesStart<'_>) -> Result<Element, String> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?
            .into_owned();
        attributes.push((key, value));
    }
    Ok(Element {
        name,
        attributes,
        children: Vec::new(),
    })
}
