//! Synthetic files made for real, for tests and benchmarks: MP4 files whose container is
//! complete enough for a real parser (the payload is filler, not decodable video).

use std::io::Write;

fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(
        &u32::try_from(body.len() + 8)
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn full(kind: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    let mut inner = vec![version];
    inner.extend_from_slice(&flags.to_be_bytes()[1..]);
    inner.extend_from_slice(body);
    boxed(kind, &inner)
}

fn matrix(rotated: bool) -> Vec<u8> {
    let (a, b, c, d): (i32, i32, i32, i32) = if rotated {
        (0, 0x10000, -0x10000, 0)
    } else {
        (0x10000, 0, 0, 0x10000)
    };
    [a, b, 0, c, d, 0, 0, 0, 0x4000_0000]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect()
}

/// The `ftyp` and `moov` boxes of a one-track H.264 video of `seconds` at `width`×`height`;
/// `rotated` gives it a phone's 90° display matrix.
pub fn mp4_header(seconds: u32, width: u16, height: u16, rotated: bool) -> (Vec<u8>, Vec<u8>) {
    let ftyp = boxed(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41");
    let timescale: u32 = 1000;
    let duration = seconds * timescale;
    let mut mvhd = Vec::new();
    for v in [0, 0, timescale, duration, 0x0001_0000] {
        mvhd.extend_from_slice(&u32::to_be_bytes(v));
    }
    mvhd.extend_from_slice(&[0x01, 0x00]);
    mvhd.extend_from_slice(&[0; 10]);
    mvhd.extend_from_slice(&matrix(false));
    mvhd.extend_from_slice(&[0; 24]);
    mvhd.extend_from_slice(&2u32.to_be_bytes());
    let mut tkhd = Vec::new();
    for v in [0u32, 0, 1, 0, duration, 0, 0] {
        tkhd.extend_from_slice(&v.to_be_bytes());
    }
    tkhd.extend_from_slice(&[0; 8]);
    tkhd.extend_from_slice(&matrix(rotated));
    tkhd.extend_from_slice(&(u32::from(width) << 16).to_be_bytes());
    tkhd.extend_from_slice(&(u32::from(height) << 16).to_be_bytes());
    let mut mdhd = Vec::new();
    for v in [0u32, 0, timescale, duration] {
        mdhd.extend_from_slice(&v.to_be_bytes());
    }
    mdhd.extend_from_slice(&[0x55, 0xc4, 0, 0]);
    let mut hdlr = vec![0; 4];
    hdlr.extend_from_slice(b"vide");
    hdlr.extend_from_slice(&[0; 12]);
    hdlr.extend_from_slice(b"VideoHandler\0");
    let sps = [0x67, 0x42, 0x00, 0x1e, 0x95, 0xa8, 0x28, 0x0f, 0x64];
    let pps = [0x68, 0xce, 0x3c, 0x80];
    let mut avcc = vec![1, 0x42, 0x00, 0x1e, 0xff, 0xe1];
    avcc.extend_from_slice(&u16::try_from(sps.len()).unwrap_or(0).to_be_bytes());
    avcc.extend_from_slice(&sps);
    avcc.push(1);
    avcc.extend_from_slice(&u16::try_from(pps.len()).unwrap_or(0).to_be_bytes());
    avcc.extend_from_slice(&pps);
    let mut avc1 = vec![0; 6];
    avc1.extend_from_slice(&1u16.to_be_bytes());
    avc1.extend_from_slice(&[0; 16]);
    avc1.extend_from_slice(&width.to_be_bytes());
    avc1.extend_from_slice(&height.to_be_bytes());
    avc1.extend_from_slice(&0x0048_0000u32.to_be_bytes());
    avc1.extend_from_slice(&0x0048_0000u32.to_be_bytes());
    avc1.extend_from_slice(&[0; 4]);
    avc1.extend_from_slice(&1u16.to_be_bytes());
    avc1.extend_from_slice(&[0; 32]);
    avc1.extend_from_slice(&[0x00, 0x18, 0xff, 0xff]);
    avc1.extend_from_slice(&boxed(b"avcC", &avcc));
    let stsd = full(
        b"stsd",
        0,
        0,
        &[&1u32.to_be_bytes()[..], &boxed(b"avc1", &avc1)].concat(),
    );
    let stbl = boxed(
        b"stbl",
        &[
            stsd,
            full(b"stts", 0, 0, &[0; 4]),
            full(b"stsc", 0, 0, &[0; 4]),
            full(b"stsz", 0, 0, &[0; 8]),
            full(b"stco", 0, 0, &[0; 4]),
        ]
        .concat(),
    );
    let dinf = boxed(
        b"dinf",
        &full(
            b"dref",
            0,
            0,
            &[&1u32.to_be_bytes()[..], &full(b"url ", 0, 1, &[])].concat(),
        ),
    );
    let minf = boxed(
        b"minf",
        &[full(b"vmhd", 0, 1, &[0; 8]), dinf, stbl].concat(),
    );
    let mdia = boxed(
        b"mdia",
        &[full(b"mdhd", 0, 0, &mdhd), full(b"hdlr", 0, 0, &hdlr), minf].concat(),
    );
    let trak = boxed(b"trak", &[full(b"tkhd", 0, 3, &tkhd), mdia].concat());
    let moov = boxed(b"moov", &[full(b"mvhd", 0, 0, &mvhd), trak].concat());
    (ftyp, moov)
}

/// Sets the creation time in the `mvhd` box of an MP4 made by [`mp4`] (seconds since
/// 1970; stored, as MP4 does, in seconds since 1904).
pub fn set_created(bytes: &mut [u8], unix_seconds: i64) {
    let Some(at) = bytes.windows(4).position(|w| w == b"mvhd") else {
        return;
    };
    let created = u32::try_from(unix_seconds + 2_082_844_800).unwrap_or(0);
    if let Some(slot) = bytes.get_mut(at + 8..at + 12) {
        slot.copy_from_slice(&created.to_be_bytes());
    }
}

/// A whole MP4 in memory with `payload` bytes of media data, `moov` before `mdat`.
pub fn mp4(seconds: u32, width: u16, height: u16, rotated: bool, payload: usize) -> Vec<u8> {
    let (ftyp, moov) = mp4_header(seconds, width, height, rotated);
    let mut out = [ftyp, moov].concat();
    out.extend_from_slice(&u32::try_from(payload + 8).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(b"mdat");
    out.resize(out.len() + payload, 0x5a);
    out
}

/// Writes an MP4 of about `total_bytes` to `writer` without holding it in memory, `moov`
/// at the end as phones write it.
pub fn write_large_mp4(
    writer: &mut impl Write,
    seconds: u32,
    total_bytes: u64,
) -> std::io::Result<()> {
    let (ftyp, moov) = mp4_header(seconds, 1920, 1080, false);
    let payload = total_bytes.saturating_sub((ftyp.len() + moov.len() + 8) as u64);
    writer.write_all(&ftyp)?;
    writer.write_all(&u32::try_from(payload + 8).unwrap_or(u32::MAX).to_be_bytes())?;
    writer.write_all(b"mdat")?;
    let chunk = vec![0x5au8; 1 << 20];
    let mut left = payload;
    while left > 0 {
        let n = usize::try_from(left.min(chunk.len() as u64)).unwrap_or(chunk.len());
        writer.write_all(chunk.get(..n).unwrap_or(&chunk))?;
        left -= n as u64;
    }
    writer.write_all(&moov)
}

/// A photo-like JPEG (`seed` varies the scene: gradients and discs, so that perceptual
/// hashes tell scenes apart) at `quality`, with an EXIF capture time and GPS position when
/// given (`YYYY:MM:DD HH:MM:SS`, latitude and longitude in degrees, north and east).
pub fn photo_jpeg(
    seed: u32,
    width: u32,
    height: u32,
    quality: u8,
    exif: Option<(&str, f64, f64)>,
) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let s = seed as f32;
        let cx = 0.3 + 0.4 * ((s * 0.37).sin() * 0.5 + 0.5);
        let cy = 0.3 + 0.4 * ((s * 0.73).cos() * 0.5 + 0.5);
        let d = ((fx - cx).powi(2) + (fy - cy).powi(2)).sqrt();
        let disc = if d < 0.2 { 90.0 } else { 0.0 };
        let wave = 60.0 * ((fx * (3.0 + s % 5.0) + fy * (2.0 + s % 3.0)) * 3.1).sin();
        let base = 120.0 + wave + disc - 80.0 * fy;
        let c = |v: f32| v.clamp(0.0, 255.0) as u8;
        image::Rgb([c(base), c(base * 0.8 + 40.0 * fx), c(255.0 - base * 0.6)])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&image)
        .unwrap_or_default();
    let Some((time, lat, lon)) = exif else {
        return out;
    };
    let dms = |v: f64| {
        let v = v.abs();
        let d = v.trunc();
        let m = ((v - d) * 60.0).trunc();
        let s100 = (((v - d) * 60.0 - m) * 60.0 * 100.0).round();
        (d as u32, m as u32, s100 as u32)
    };
    let app1 = domain::evidence::exif_app1(time, dms(lat), lat >= 0.0, dms(lon), lon >= 0.0);
    let mut with = out[..2].to_vec();
    with.extend(app1);
    with.extend(&out[2..]);
    with
}

/// A JPEG decoded, scaled by `scale` and saved again at `quality` (no metadata): the same
/// photo as someone else would re-post it.
pub fn resaved(bytes: &[u8], scale: f32, quality: u8) -> Vec<u8> {
    let Ok(image) = image::load_from_memory(bytes) else {
        return Vec::new();
    };
    let w = ((image.width() as f32) * scale).round() as u32;
    let h = ((image.height() as f32) * scale).round() as u32;
    let small = image.resize_exact(w, h, image::imageops::FilterType::Triangle);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&small.to_rgb8())
        .unwrap_or_default();
    out
}
