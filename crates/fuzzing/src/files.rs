//! Targets of the uploaded-file parsers: image sniffing and decoding under limits, the MP4
//! probe (through the summary attachment's sniffing, which reaches it too) and the xlsx
//! import reader.

use app::config::MediaLimits;
use app::media::{MediaKind, inspect, inspect_attachment};

/// The longest video the targets accept, in seconds.
const MAX_SECONDS: u32 = 600;

/// Writes the input where an upload would be, in a folder of its own.
fn stored(data: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("upload");
    std::fs::write(&path, data).expect("the upload is written");
    (dir, path)
}

/// An image as a poster, photo or evidence photo: refused with a message, or decoded within
/// the limits and stored re-encoded as an image that decodes again.
pub fn image(data: &[u8]) {
    let (pick, rest) = crate::split(data, 3);
    let kind = match pick {
        0 => MediaKind::Poster,
        1 => MediaKind::Photo,
        _ => MediaKind::Evidence,
    };
    let limits = MediaLimits::default();
    let (_dir, path) = stored(rest);
    match inspect(&path, kind, &limits, MAX_SECONDS) {
        Ok(found) => {
            let (width, height) = (
                found.width.unwrap_or_default(),
                found.height.unwrap_or_default(),
            );
            let side =
                i32::try_from(limits.stored_max_side.max(limits.poster_width)).unwrap_or(i32::MAX);
            assert!(
                width > 0 && height > 0 && width <= side && height <= side,
                "{found:?}"
            );
            let again = image::ImageReader::open(&path)
                .and_then(|r| r.with_guessed_format())
                .expect("the stored file opens")
                .decode();
            assert!(again.is_ok(), "the stored image does not decode: {found:?}");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// The MP4 probe, as a video and as a summary attachment: refused with a message, or a
/// duration within the limit.
pub fn mp4(data: &[u8]) {
    let (pick, rest) = crate::split(data, 2);
    let limits = MediaLimits::default();
    let (_dir, path) = stored(rest);
    let found = if pick == 0 {
        inspect(&path, MediaKind::Video, &limits, MAX_SECONDS)
    } else {
        inspect_attachment(&path, &limits, MAX_SECONDS)
    };
    match found {
        Ok(found) => {
            if let Some(seconds) = found.seconds {
                assert!(
                    seconds.is_finite() && seconds >= 0.0 && seconds <= f64::from(MAX_SECONDS),
                    "{found:?}"
                );
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// The import workbook reader: refused with a message, or no more rows than the limit, each
/// no wider than the columns.
pub fn xlsx(data: &[u8]) {
    match app::exports::read_table(data.to_vec()) {
        Ok(rows) => {
            assert!(rows.len() <= app::exports::IMPORT_MAX_ROWS);
            for (_, cells) in rows {
                assert!(cells.len() <= app::exports::COLUMNS.len());
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// A workbook laid out as the import expects, with `rows` rows, for the seed corpus.
pub fn workbook(rows: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, (title, _)) in (0_u16..).zip(app::exports::COLUMNS.iter()) {
        sheet.write_string(0, col, *title).expect("a cell");
    }
    for row in 1..=u32::try_from(rows).unwrap_or(1) {
        let cells = [
            row.to_string(),
            format!("科普活动{row}"),
            "三门峡市科技馆".to_owned(),
            "2026-09-15 19:00至2026-09-15 21:30".to_owned(),
            "三门峡市湖滨区科技馆".to_owned(),
            "王老师".to_owned(),
            "13800138000".to_owned(),
            "120".to_owned(),
        ];
        for (col, text) in (0_u16..).zip(cells.iter()) {
            sheet.write_string(row, col, text).expect("a cell");
        }
    }
    book.save_to_buffer().expect("a workbook")
}
