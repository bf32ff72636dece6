//! Perceptual hashes of photos (DCT pHash) and the search for near-identical ones.
//!
//! A photo is decoded (PNG or JPEG only: the formats applicant portals take), reduced to
//! 32×32 grey, and transformed with a 2-D DCT; the 8×8 lowest frequencies (without the
//! DC term, which is overall brightness) are compared with their median to give 64 bits.
//! Resizing, recompression, brightness and contrast changes and light crops move only a
//! few bits, so reuse of one headshot under another name shows as a small Hamming
//! distance, while two different people photographed against the same backdrop differ
//! in the face, which is most of the low-frequency content.
//!
//! Searching 100k hashes for pairs within distance `d` uses multi-index hashing: the
//! hash is cut into four 16-bit blocks, and two hashes within `d` agree within
//! `d / 4` bits on at least one block (pigeonhole), so each hash probes one table per
//! block with the few values near its own block instead of comparing with every hash.

use image::{GrayImage, ImageFormat};
use rustc_hash::FxHashMap;

/// Why a photo gave no hash.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("not a PNG or JPEG image")]
    Format,
    #[error("cannot decode the image ({0})")]
    Decode(String),
    #[error("image too small to compare ({0}x{1} pixels)")]
    TooSmall(u32, u32),
}

/// The side of the grey image the DCT runs on.
const SIDE: usize = 32;
/// The low-frequency block kept.
const KEEP: usize = 8;

/// Decodes a PNG or JPEG (recognised from its first bytes, never its name) and hashes it.
/// Images larger than `max_pixels` are refused before decoding, so a hostile file cannot
/// exhaust memory.
pub fn hash_image(bytes: &[u8], max_pixels: u64) -> Result<u64, PhotoError> {
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg)) => f,
        _ => return Err(PhotoError::Format),
    };
    if format == ImageFormat::Jpeg {
        return hash_jpeg(bytes, max_pixels);
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(4));
    reader.limits(limits);
    let img = reader.decode().map_err(|e| PhotoError::Decode(e.to_string()))?;
    if img.width() < 8 || img.height() < 8 {
        return Err(PhotoError::TooSmall(img.width(), img.height()));
    }
    Ok(hash_gray(&img.to_luma8()))
}

/// A JPEG decoded straight to grey (no chroma work: half the cost of a colour decode).
fn hash_jpeg(bytes: &[u8], max_pixels: u64) -> Result<u64, PhotoError> {
    use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    let side = (max_pixels.min(1 << 32) as f64).sqrt().ceil() as usize * 4;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(side.min(1 << 16))
        .set_max_height(side.min(1 << 16));
    let mut d = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    d.decode_headers().map_err(|e| PhotoError::Decode(format!("{e:?}")))?;
    let info = d.info().ok_or_else(|| PhotoError::Decode("no image header".into()))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    if u64::from(w) * u64::from(h) > max_pixels {
        return Err(PhotoError::Decode(format!("{w}x{h} pixels, more than the limit of {max_pixels}")));
    }
    if w < 8 || h < 8 {
        return Err(PhotoError::TooSmall(w, h));
    }
    let px = d.decode().map_err(|e| PhotoError::Decode(format!("{e:?}")))?;
    let img = GrayImage::from_raw(w, h, px).ok_or_else(|| PhotoError::Decode("truncated pixel data".into()))?;
    Ok(hash_gray(&img))
}

/// The pHash of a grey image. The 32×32 reduction averages boxes of pixels (a
/// thumbnail), which is what the low frequencies need and far cheaper than filtering.
pub fn hash_gray(img: &GrayImage) -> u64 {
    let small = image::imageops::thumbnail(img, SIDE as u32, SIDE as u32);
    let px: Vec<f64> = small.pixels().map(|p| f64::from(p.0[0])).collect();
    hash_pixels(&px)
}

/// The pHash of 32×32 grey values in row order.
pub fn hash_pixels(px: &[f64]) -> u64 {
    let cos = cos_table();
    // Rows first: tmp[y][u] = Σx px[y][x]·cos[u][x], for the kept u only.
    let mut tmp = [[0.0f64; KEEP]; SIDE];
    for (y, row) in tmp.iter_mut().enumerate() {
        for (u, t) in row.iter_mut().enumerate() {
            *t = (0..SIDE).map(|x| px.get(y * SIDE + x).copied().unwrap_or(0.0) * cos[u][x]).sum();
        }
    }
    let mut coef = [0.0f64; KEEP * KEEP];
    for v in 0..KEEP {
        for u in 0..KEEP {
            coef[v * KEEP + u] = (0..SIDE).map(|y| tmp[y][u] * cos[v][y]).sum();
        }
    }
    // Median of the 63 AC terms; the DC term (brightness) is left out of the comparison.
    let mut ac: Vec<f64> = coef[1..].to_vec();
    ac.sort_by(f64::total_cmp);
    let median = ac[ac.len() / 2];
    coef.iter().enumerate().skip(1).fold(0u64, |h, (i, &c)| if c > median { h | (1 << i) } else { h })
}

fn cos_table() -> [[f64; SIDE]; KEEP] {
    let mut t = [[0.0; SIDE]; KEEP];
    for (u, row) in t.iter_mut().enumerate() {
        for (x, c) in row.iter_mut().enumerate() {
            *c = ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / (2 * SIDE) as f64).cos();
        }
    }
    t
}

pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Pairs `(i, j)`, `i < j`, of hashes within `max_distance` bits of each other (at most
/// 15), with their distance. Identical hashes are linked as a chain (`i` to the next
/// holder of the same value), not all pairs, so a placeholder image shared by thousands
/// costs linear time; components are the same.
pub fn near_pairs(hashes: &[u64], max_distance: u32) -> Vec<(u32, u32, u32)> {
    let d = max_distance.min(15);
    let r = d / 4;
    let mut out = Vec::new();
    // Distinct values, each with its holders.
    let mut by_value: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    for (i, &h) in hashes.iter().enumerate() {
        by_value.entry(h).or_default().push(i as u32);
    }
    let mut distinct: Vec<(u64, Vec<u32>)> = by_value.into_iter().collect();
    distinct.sort_unstable_by_key(|(h, _)| *h);
    for (_, holders) in &distinct {
        for w in holders.windows(2) {
            out.push((w[0], w[1], 0));
        }
    }
    if d == 0 {
        return out;
    }
    let block = |h: u64, b: usize| (h >> (16 * b)) as u16;
    // One table per block, laid out flat: the distinct hashes whose block `b` is `v` are
    // `order[b][start[b][v]..start[b][v + 1]]`, so a probe is two array reads.
    let tables: Vec<(Vec<u32>, Vec<u32>)> = (0..4)
        .map(|b| {
            let mut start = vec![0u32; (1 << 16) + 1];
            for (h, _) in &distinct {
                start[block(*h, b) as usize + 1] += 1;
            }
            for v in 0..(1 << 16) {
                start[v + 1] += start[v];
            }
            let mut fill = start.clone();
            let mut order = vec![0u32; distinct.len()];
            for (n, (h, _)) in distinct.iter().enumerate() {
                let slot = &mut fill[block(*h, b) as usize];
                order[*slot as usize] = n as u32;
                *slot += 1;
            }
            (start, order)
        })
        .collect();
    let probes = flips16(r);
    for (n, (h, holders)) in distinct.iter().enumerate() {
        for (b, (start, order)) in tables.iter().enumerate() {
            let mine = block(*h, b);
            for &flip in &probes {
                let v = (mine ^ flip) as usize;
                for &m in &order[start[v] as usize..start[v + 1] as usize] {
                    if (m as usize) <= n {
                        continue;
                    }
                    let other = distinct[m as usize].0;
                    let dist = hamming(*h, other);
                    // Report a pair once: at the first block where it agrees within r.
                    if dist > d || (0..b).any(|e| (block(*h, e) ^ block(other, e)).count_ones() <= r) {
                        continue;
                    }
                    let (x, y) = (holders[0], distinct[m as usize].1[0]);
                    out.push((x.min(y), x.max(y), dist));
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// Every 16-bit mask with at most `r` bits set.
fn flips16(r: u32) -> Vec<u16> {
    (0..=u16::MAX).filter(|m| m.count_ones() <= r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::imageops::FilterType;
    use image::{Luma, Rgb, RgbImage};

    /// A smooth synthetic "portrait": a few soft blobs whose places depend on `seed`.
    pub(crate) fn portrait(seed: u64, w: u32, h: u32) -> RgbImage {
        let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s % 10_000) as f64 / 10_000.0
        };
        let blobs: Vec<(f64, f64, f64, f64)> = (0..6).map(|_| (next(), next(), 0.08 + 0.2 * next(), next())).collect();
        RgbImage::from_fn(w, h, |x, y| {
            let (fx, fy) = (x as f64 / w as f64, y as f64 / h as f64);
            let v: f64 =
                blobs.iter().map(|(cx, cy, r, a)| a * (-((fx - cx).powi(2) + (fy - cy).powi(2)) / (r * r)).exp()).sum();
            let g = (40.0 + 180.0 * v.min(1.0)) as u8;
            Rgb([g, g.saturating_sub(10), g / 2 + 20])
        })
    }

    fn png(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png).expect("encode");
        out
    }

    fn jpeg(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Jpeg).expect("encode");
        out
    }

    const MAX: u64 = 50_000_000;

    #[test]
    fn light_edits_keep_the_hash_close() {
        let base = portrait(7, 400, 500);
        let h = hash_image(&png(&base), MAX).expect("hash");
        let resized = image::imageops::resize(&base, 200, 250, FilterType::Lanczos3);
        let cropped = image::imageops::crop_imm(&base, 16, 20, 368, 460).to_image();
        let mut brighter = base.clone();
        for p in brighter.pixels_mut() {
            for c in &mut p.0 {
                *c = c.saturating_add(25);
            }
        }
        for (what, img, bytes) in [
            ("jpeg", &base, jpeg(&base)),
            ("resized", &resized, png(&resized)),
            ("cropped 4%", &cropped, png(&cropped)),
            ("brighter", &brighter, jpeg(&brighter)),
        ] {
            let d = hamming(h, hash_image(&bytes, MAX).expect("hash"));
            assert!(d <= 10, "{what}: distance {d} ({}x{})", img.width(), img.height());
        }
    }

    #[test]
    fn different_photos_are_far_apart() {
        let hashes: Vec<u64> = (0..40).map(|s| hash_image(&png(&portrait(s, 120, 150)), MAX).expect("hash")).collect();
        let close = near_pairs(&hashes, 10);
        assert!(close.len() <= 1, "{close:?}");
    }

    #[test]
    fn not_an_image_is_an_error() {
        assert!(matches!(hash_image(b"GIF89a....", MAX), Err(PhotoError::Format)));
        assert!(matches!(hash_image(b"\x89PNG\r\n\x1a\nbroken", MAX), Err(PhotoError::Decode(_))));
        let tiny = GrayImage::from_pixel(4, 4, Luma([9]));
        let mut bytes = Vec::new();
        tiny.write_to(&mut std::io::Cursor::new(&mut bytes), ImageFormat::Png).expect("encode");
        assert!(matches!(hash_image(&bytes, MAX), Err(PhotoError::TooSmall(4, 4))));
        let big = png(&portrait(1, 400, 400));
        assert!(matches!(hash_image(&big, 10_000), Err(PhotoError::Decode(_))), "over the pixel budget");
    }

    #[test]
    fn near_pairs_agree_with_brute_force() {
        let mut s = 0x1234_5678_9abc_def1u64;
        let mut hashes: Vec<u64> = (0..600)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s
            })
            .collect();
        // Plant near copies at distances 0..=12 and one exact duplicate triple.
        for k in 0..13u32 {
            let base = hashes[k as usize];
            let mask = (0..k).fold(0u64, |m, b| m | (1 << (b * 5 % 64)));
            hashes.push(base ^ mask);
        }
        hashes.push(hashes[3]);
        for d in [0, 4, 8, 10, 12] {
            let got = near_pairs(&hashes, d);
            // Components, not pairs, are what must agree for exact duplicates; check
            // distinct-value pairs against brute force.
            let mut want: Vec<(u64, u64)> = Vec::new();
            for i in 0..hashes.len() {
                for j in i + 1..hashes.len() {
                    if hashes[i] != hashes[j] && hamming(hashes[i], hashes[j]) <= d {
                        want.push((hashes[i].min(hashes[j]), hashes[i].max(hashes[j])));
                    }
                }
            }
            want.sort();
            want.dedup();
            let mut have: Vec<(u64, u64)> = got
                .iter()
                .filter(|p| p.2 > 0)
                .map(|&(i, j, _)| {
                    let (a, b) = (hashes[i as usize], hashes[j as usize]);
                    (a.min(b), a.max(b))
                })
                .collect();
            have.sort();
            assert_eq!(have, want, "distance {d}");
            assert!(got.iter().any(|p| p.2 == 0), "the exact duplicate is linked");
        }
    }
}
