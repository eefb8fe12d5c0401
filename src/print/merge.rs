//! The merged PDF (`efaktur cetak --gabung`), written while it is drawn so that memory stays flat
//! in the number of faktur.
//!
//! krilla keeps every page's serialized objects until `Document::finish` (some 30 KB per faktur).
//! So the faktur are drawn [`BATCH`] at a time into a small krilla document; a full batch is
//! finished, read back with hayro-syntax (the PDF reader of krilla's author) and its pages, with
//! everything they use, are copied to the output under new object numbers with pdf-writer (krilla's
//! own writer). What stays in memory is one offset per written object, for the cross-reference
//! table, and one reference per page.
//!
//! Fonts are written once for the whole file: every batch document starts with a page, never
//! copied, that draws the same glyphs in the same order. krilla numbers a subset's glyphs in the
//! order of first use and maps each to the text it first showed, so every batch embeds the very
//! same subset (glyph numbers, widths, ToUnicode map); objects under a page's /Font, /ExtGState and
//! /ColorSpace resources that are byte for byte equal to ones already written are shared.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::Arc;

use hayro_syntax::Pdf;
use hayro_syntax::object::{Dict, MaybeRef, ObjRef, Object};
use krilla::Document;
use krilla::SerializeSettings;
use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::TextDirection;
use pdf_writer::writers::{Catalog, DocumentInfo};
use pdf_writer::{Chunk, Name, Obj, Ref, Str, TextStr};
use sha2::{Digest, Sha256};
use skrifa::{FontRef, MetadataProvider};

use super::fonts;
use super::geometry::{PAGE_H, PAGE_W};
use super::sheet::Sheet;
use super::{PrintError, PrintOptions, draw};
use crate::store::faktur::StoredFaktur;
use crate::store::profile::Profile;

/// Faktur per krilla document: memory is bounded by one batch (~30 KB a faktur while drawn), and
/// the glyph page and font subsetting it costs are shared by this many faktur.
pub const BATCH: usize = 50;

/// Characters whose glyphs every batch embeds, in this order: ASCII first, so that a glyph shared
/// by two characters (space and no-break space) maps back to the ASCII one.
const GLYPH_RANGES: [(char, char); 2] = [(' ', '~'), ('\u{a0}', '\u{ff}')];
/// Punctuation a typed name or address may hold, and the ligatures the shaper may form.
const GLYPH_EXTRA: &[&str] = &[
    "–", "—", "‘", "’", "‚", "“", "”", "„", "…", "•", "€", "™", "fi", "fl", "ff", "ffi", "ffl",
];

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(transparent)]
    Pdf(#[from] PrintError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A merged PDF being written to `out`; [`MergedPdf::finish`] completes it.
pub struct MergedPdf<W: Write> {
    out: W,
    /// Bytes written so far: the offset of the next object.
    at: u64,
    /// The offset of object `n` at `n - 1` (0 until written: the catalog and page tree come last).
    offsets: Vec<u64>,
    catalog: Ref,
    tree: Ref,
    pages: Vec<Ref>,
    /// Font and graphics-state objects written, by the SHA-256 of their bytes.
    shared: HashMap<[u8; 32], Ref>,
    /// A digest of everything written: the file's /ID.
    digest: Sha256,
    batch: Document,
    in_batch: usize,
    faktur: usize,
    first: String,
}

impl<W: Write> MergedPdf<W> {
    pub fn new(out: W) -> Result<MergedPdf<W>, MergeError> {
        let mut pdf = MergedPdf {
            out,
            at: 0,
            offsets: Vec::new(),
            catalog: Ref::new(1),
            tree: Ref::new(2),
            pages: Vec::new(),
            shared: HashMap::new(),
            digest: Sha256::new(),
            batch: batch_document(),
            in_batch: 0,
            faktur: 0,
            first: String::new(),
        };
        pdf.catalog = pdf.number()?;
        pdf.tree = pdf.number()?;
        // The binary marker tells transfer programs that the file is not text.
        pdf.write(b"%PDF-1.7\n%\x80\x80\x80\x80\n\n")?;
        Ok(pdf)
    }

    /// Draws the pages of one faktur; every [`BATCH`] faktur they go to the output.
    pub fn add(
        &mut self,
        f: &StoredFaktur,
        seller: &Profile,
        opts: &PrintOptions,
    ) -> Result<(), MergeError> {
        if self.faktur == 0 {
            self.first = f.faktur.nomor().to_string();
        }
        draw::sheet(&mut self.batch, &Sheet::new(f, seller, opts));
        self.faktur += 1;
        self.in_batch += 1;
        if self.in_batch == BATCH {
            self.flush()?;
        }
        Ok(())
    }

    pub fn faktur(&self) -> usize {
        self.faktur
    }

    /// Writes the last batch, the page tree, catalog, document info and cross-reference table;
    /// gives the output back (to be flushed and put in place by the caller).
    pub fn finish(mut self) -> Result<W, MergeError> {
        self.flush()?;
        let title = match self.faktur {
            1 => format!("Faktur Pajak {}", self.first),
            n => format!("Faktur Pajak ({n} faktur)"),
        };
        let info = self.number()?;
        let count = i32::try_from(self.pages.len()).map_err(|_| too_large())?;
        let mut chunk = Chunk::new();
        chunk
            .pages(self.tree)
            .kids(self.pages.iter().copied())
            .count(count);
        self.emit(self.tree, &chunk)?;
        let mut chunk = Chunk::new();
        chunk
            .indirect(self.catalog)
            .start::<Catalog>()
            .pages(self.tree);
        self.emit(self.catalog, &chunk)?;
        let mut chunk = Chunk::new();
        chunk
            .indirect(info)
            .start::<DocumentInfo>()
            .title(TextStr(&title))
            .creator(TextStr("efaktur cetak"));
        self.emit(info, &chunk)?;

        // The classic cross-reference table: one 20-byte line per object, then the trailer.
        let xref_at = self.at;
        let size = self.offsets.len() + 1;
        let mut xref = Vec::with_capacity(64 + 20 * size);
        write!(xref, "xref\n0 {size}\n0000000000 65535 f\r\n")?;
        for offset in &self.offsets {
            write!(xref, "{offset:010} 00000 n\r\n")?;
        }
        let id: String = self.digest.clone().finalize()[..16]
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        write!(
            xref,
            "trailer\n<<\n  /Size {size}\n  /Root {} 0 R\n  /Info {} 0 R\n  /ID [<{id}> <{id}>]\n>>\nstartxref\n{xref_at}\n%%EOF",
            self.catalog.get(),
            info.get()
        )?;
        self.write(&xref)?;
        Ok(self.out)
    }

    /// Finishes the batch document and copies its faktur pages to the output.
    fn flush(&mut self) -> Result<(), MergeError> {
        if self.in_batch == 0 {
            return Ok(());
        }
        self.in_batch = 0;
        let doc = std::mem::replace(&mut self.batch, batch_document());
        let bytes = doc
            .finish()
            .map_err(|e| PrintError::Pdf(format!("{e:?}")))?;
        let pdf = Pdf::new(Arc::new(bytes))
            .map_err(|e| PrintError::Pdf(format!("PDF sementara tidak terbaca: {e:?}")))?;
        let mut batch = Batch {
            pdf: &pdf,
            copied: HashMap::new(),
            open: HashSet::new(),
        };
        // Page 0 is the glyph page.
        for page in pdf.pages().iter().skip(1) {
            let copied = match page.raw().obj_id() {
                Some(id) => self.copy(&mut batch, id.into(), Scope::Plain)?,
                None => None,
            };
            let page = copied
                .ok_or_else(|| PrintError::Pdf("halaman PDF sementara tidak terbaca".into()))?;
            self.pages.push(page);
        }
        Ok(())
    }

    /// Copies object `r` of the batch, after the objects it refers to; returns its number in the
    /// output, or None when the batch has no such object.
    fn copy(
        &mut self,
        batch: &mut Batch<'_>,
        r: ObjRef,
        scope: Scope,
    ) -> Result<Option<Ref>, MergeError> {
        if let Some(&id) = batch.copied.get(&r) {
            return Ok(Some(id));
        }
        let Some(object) = batch.pdf.xref().get::<Object<'_>>(r.into()) else {
            return Ok(None);
        };
        if !batch.open.insert(r) {
            // A cycle: numbered now, written when its first visit ends (never shared).
            let id = self.number()?;
            batch.copied.insert(r, id);
            return Ok(Some(id));
        }
        let mut kids = Vec::new();
        references(&object, scope, &mut kids);
        for (kid, kid_scope) in kids {
            self.copy(batch, kid, kid_scope)?;
        }
        batch.open.remove(&r);
        let parent = is_page(&object).then_some(self.tree);

        let id = match batch.copied.get(&r) {
            Some(&early) => early,
            None if scope == Scope::Shared => {
                let mut probe = Chunk::new();
                write_indirect(&mut probe, Ref::new(1), &object, &batch.copied, parent);
                let hash: [u8; 32] = Sha256::digest(probe.as_bytes()).into();
                if let Some(&id) = self.shared.get(&hash) {
                    batch.copied.insert(r, id);
                    return Ok(Some(id));
                }
                let id = self.number()?;
                self.shared.insert(hash, id);
                id
            }
            None => self.number()?,
        };
        batch.copied.insert(r, id);
        let mut chunk = Chunk::new();
        write_indirect(&mut chunk, id, &object, &batch.copied, parent);
        self.emit(id, &chunk)?;
        Ok(Some(id))
    }

    /// A new object number.
    fn number(&mut self) -> Result<Ref, MergeError> {
        self.offsets.push(0);
        i32::try_from(self.offsets.len())
            .map(Ref::new)
            .map_err(|_| too_large().into())
    }

    /// Writes a chunk holding just object `id` (so at the chunk's start).
    fn emit(&mut self, id: Ref, chunk: &Chunk) -> Result<(), MergeError> {
        let slot = usize::try_from(id.get() - 1)
            .ok()
            .and_then(|i| self.offsets.get_mut(i))
            .ok_or_else(too_large)?;
        *slot = self.at;
        self.write(chunk.as_bytes())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), MergeError> {
        self.out.write_all(bytes)?;
        self.digest.update(bytes);
        self.at += bytes.len() as u64;
        Ok(())
    }
}

fn too_large() -> PrintError {
    PrintError::Pdf(
        "terlalu banyak objek untuk satu file PDF; cetak per masa atau per folder".into(),
    )
}

/// One finished batch document being copied.
struct Batch<'p> {
    pdf: &'p Pdf,
    /// Batch object -> output object.
    copied: HashMap<ObjRef, Ref>,
    /// Objects whose copy has begun and not ended (to see cycles).
    open: HashSet<ObjRef>,
}

/// Where a reference was found: objects under a resource dictionary's fonts, graphics states and
/// colour spaces are the same in every batch and shared; the rest is per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Plain,
    Resources,
    Shared,
}

impl Scope {
    fn of(self, key: &[u8]) -> Scope {
        match (self, key) {
            (Scope::Shared, _) => Scope::Shared,
            (_, b"Resources") => Scope::Resources,
            (Scope::Resources, b"Font" | b"ExtGState" | b"ColorSpace") => Scope::Shared,
            _ => Scope::Plain,
        }
    }
}

/// The references in `object`, each with its scope; a page's /Parent is left out (the output has
/// its own page tree).
fn references(object: &Object<'_>, scope: Scope, out: &mut Vec<(ObjRef, Scope)>) {
    match object {
        Object::Dict(d) => dict_references(d, scope, out),
        Object::Stream(s) => dict_references(s.dict(), scope, out),
        Object::Array(a) => {
            for item in a.raw_iter() {
                value_references(&item, scope, out);
            }
        }
        _ => {}
    }
}

fn dict_references(d: &Dict<'_>, scope: Scope, out: &mut Vec<(ObjRef, Scope)>) {
    for (key, value) in d.entries() {
        if &*key != b"Parent" {
            value_references(&value, scope.of(&key), out);
        }
    }
}

fn value_references(value: &MaybeRef<Object<'_>>, scope: Scope, out: &mut Vec<(ObjRef, Scope)>) {
    match value {
        MaybeRef::Ref(r) => out.push((*r, scope)),
        MaybeRef::NotRef(o) => references(o, scope, out),
    }
}

fn is_page(object: &Object<'_>) -> bool {
    matches!(object, Object::Dict(d)
        if d.get::<hayro_syntax::object::Name<'_>>(b"Type").is_some_and(|t| &*t == b"Page"))
}

/// Writes `object` as object `id`, its references renumbered by `copied` (a reference not copied
/// becomes null); a page's /Parent becomes `parent`.
fn write_indirect(
    chunk: &mut Chunk,
    id: Ref,
    object: &Object<'_>,
    copied: &HashMap<ObjRef, Ref>,
    parent: Option<Ref>,
) {
    match object {
        Object::Stream(s) => {
            // The raw bytes, still compressed: nothing is decoded or encoded again.
            let data = s.raw_data();
            let mut stream = chunk.stream(id, &data);
            write_entries(&mut stream, s.dict(), copied, None, true);
        }
        Object::Dict(d) => {
            let mut dict = chunk.indirect(id).dict();
            write_entries(&mut dict, d, copied, parent, false);
        }
        other => write_direct(chunk.indirect(id), other, copied),
    }
}

fn write_entries(
    out: &mut pdf_writer::Dict<'_>,
    d: &Dict<'_>,
    copied: &HashMap<ObjRef, Ref>,
    parent: Option<Ref>,
    stream: bool,
) {
    for (key, value) in d.entries() {
        match &*key {
            // pdf-writer writes a stream's length itself.
            b"Length" if stream => {}
            b"Parent" => {
                if let Some(p) = parent {
                    out.pair(Name(b"Parent"), p);
                }
            }
            k => write_value(out.insert(Name(k)), &value, copied),
        }
    }
}

fn write_value(obj: Obj<'_>, value: &MaybeRef<Object<'_>>, copied: &HashMap<ObjRef, Ref>) {
    match value {
        MaybeRef::Ref(r) => match copied.get(r) {
            Some(&id) => obj.primitive(id),
            None => obj.primitive(pdf_writer::Null),
        },
        MaybeRef::NotRef(o) => write_direct(obj, o, copied),
    }
}

fn write_direct(obj: Obj<'_>, object: &Object<'_>, copied: &HashMap<ObjRef, Ref>) {
    match object {
        Object::Null(_) => obj.primitive(pdf_writer::Null),
        Object::Boolean(b) => obj.primitive(*b),
        Object::Number(n) => {
            let v = n.as_f64();
            if v.fract() == 0.0 && v.abs() <= f64::from(i32::MAX) {
                obj.primitive(v as i32);
            } else {
                obj.primitive(v as f32);
            }
        }
        Object::String(s) => obj.primitive(Str(s.as_bytes())),
        Object::Name(n) => obj.primitive(Name(n)),
        Object::Dict(d) => {
            let mut dict = obj.dict();
            write_entries(&mut dict, d, copied, None, false);
        }
        Object::Array(a) => {
            let mut array = obj.array();
            for item in a.raw_iter() {
                write_value(array.push(), &item, copied);
            }
        }
        // A stream is always an indirect object; krilla writes no other kind.
        Object::Stream(_) => obj.primitive(pdf_writer::Null),
    }
}

/// A krilla document for one batch, its first page drawing the shared glyph set.
fn batch_document() -> Document {
    let mut doc = Document::new_with(SerializeSettings {
        // Neither is copied to the merged file.
        enable_tagging: false,
        xmp_metadata: false,
        ..SerializeSettings::default()
    });
    glyph_page(&mut doc);
    doc
}

/// Draws every glyph of [`GLYPH_RANGES`] and [`GLYPH_EXTRA`] in both faces, in a fixed order.
fn glyph_page(doc: &mut Document) {
    let Some(settings) = PageSettings::from_wh(PAGE_W, PAGE_H) else {
        return;
    };
    let f = fonts::fonts();
    let mut page = doc.start_page_with(settings);
    let mut surface = page.surface();
    surface.set_fill(Some(Fill::default()));
    for (face, data) in [(&f.regular, fonts::REGULAR), (&f.bold, fonts::BOLD)] {
        for text in glyph_texts(data) {
            surface.draw_text(
                Point::from_xy(10.0, 20.0),
                face.font.clone(),
                10.0,
                &text,
                false,
                TextDirection::LeftToRight,
            );
        }
    }
    surface.finish();
    page.finish();
}

/// The texts of the glyph page for one font file: each character the font has, once per glyph.
fn glyph_texts(data: &'static [u8]) -> Vec<String> {
    let Ok(font) = FontRef::new(data) else {
        return Vec::new();
    };
    let charmap = font.charmap();
    let mut seen = HashSet::new();
    let mut texts: Vec<String> = GLYPH_RANGES
        .iter()
        .flat_map(|&(a, b)| a..=b)
        .filter(|&c| {
            charmap
                .map(c)
                .is_some_and(|g| g.to_u32() != 0 && seen.insert(g))
        })
        .map(String::from)
        .collect();
    texts.extend(
        GLYPH_EXTRA
            .iter()
            .filter(|t| t.chars().all(|c| charmap.map(c).is_some()))
            .map(|t| t.to_string()),
    );
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glyph_page_draws_each_glyph_once_ascii_first() {
        let texts = glyph_texts(fonts::REGULAR);
        assert_eq!(texts.first().map(String::as_str), Some(" "));
        for c in ["A", "z", "0", "é", "Ü", "–", "€"] {
            assert!(texts.iter().any(|t| t == c), "{c} in {texts:?}");
        }
        let font = FontRef::new(fonts::REGULAR).unwrap();
        let singles: Vec<u32> = texts
            .iter()
            .filter(|t| t.chars().count() == 1)
            .filter_map(|t| font.charmap().map(t.chars().next()?))
            .map(|g| g.to_u32())
            .collect();
        let distinct: HashSet<u32> = singles.iter().copied().collect();
        assert_eq!(distinct.len(), singles.len(), "one text per glyph");
    }
}
