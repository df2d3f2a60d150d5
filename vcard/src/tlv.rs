//! BER-TLV as smart cards use it (ISO 7816-4 §5.2): tags of one or more bytes, lengths in
//! the short form or `81 xx`, `82 xx xx`, `83 xx xx xx`.

/// Appends a BER-TLV length.
pub fn push_len(out: &mut Vec<u8>, len: usize) {
    match u8::try_from(len) {
        Ok(short) if short < 0x80 => out.push(short),
        _ => {
            let bytes = len.to_be_bytes();
            let significant: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
            // 0x81 .. 0x88: at most size_of::<usize>() length bytes.
            out.push(0x80 | u8::try_from(significant.len()).unwrap_or(0x7F));
            out.extend_from_slice(&significant);
        }
    }
}

/// One TLV: the tag bytes and the value.
pub fn encode(tag: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(tag.len() + 4 + value.len());
    out.extend_from_slice(tag);
    push_len(&mut out, value.len());
    out.extend_from_slice(value);
    out
}

/// Concatenates TLVs.
pub fn concat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

/// Splits `input` into its TLVs: `(tag, value)` with the tag bytes packed big-endian into a
/// `u32`. `None` if anything is malformed or left over.
pub fn parse(mut input: &[u8]) -> Option<Vec<(u32, &[u8])>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let (tag, rest) = parse_tag(input)?;
        let (len, rest) = parse_len(rest)?;
        if rest.len() < len {
            return None;
        }
        let (value, rest) = rest.split_at(len);
        out.push((tag, value));
        input = rest;
    }
    Some(out)
}

/// The value of the first TLV with this tag in `input` (a sequence of TLVs).
pub fn find(input: &[u8], tag: u32) -> Option<&[u8]> {
    parse(input)?
        .into_iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, v)| v)
}

fn parse_tag(input: &[u8]) -> Option<(u32, &[u8])> {
    let (&first, mut rest) = input.split_first()?;
    let mut tag = u32::from(first);
    if first & 0x1F == 0x1F {
        loop {
            let (&b, r) = rest.split_first()?;
            rest = r;
            if tag > 0x00FF_FFFF {
                return None;
            }
            tag = (tag << 8) | u32::from(b);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    Some((tag, rest))
}

fn parse_len(input: &[u8]) -> Option<(usize, &[u8])> {
    let (&first, rest) = input.split_first()?;
    if first < 0x80 {
        return Some((usize::from(first), rest));
    }
    let n = usize::from(first & 0x7F);
    if n == 0 || n > 3 || rest.len() < n {
        return None;
    }
    let (bytes, rest) = rest.split_at(n);
    let len = bytes
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Some((len, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        let mut v = Vec::new();
        push_len(&mut v, 0);
        push_len(&mut v, 0x7F);
        push_len(&mut v, 0x80);
        push_len(&mut v, 0xFF);
        push_len(&mut v, 0x100);
        push_len(&mut v, 0x1234);
        assert_eq!(
            v,
            [0x00, 0x7F, 0x81, 0x80, 0x81, 0xFF, 0x82, 0x01, 0x00, 0x82, 0x12, 0x34]
        );
    }

    #[test]
    fn round_trip_and_multibyte_tags() {
        let big = vec![0xAB; 300];
        let data = concat(&[encode(&[0x82], &[]), encode(&[0x5F, 0xC1, 0x05], &big)]);
        let parsed = parse(&data).unwrap();
        assert_eq!(parsed, vec![(0x82, &[][..]), (0x5FC105, &big[..])]);
        assert_eq!(find(&data, 0x5FC105), Some(&big[..]));
        assert!(parse(&[0x81, 0x05, 0x00]).is_none());
        assert!(parse(&[0x81, 0x84, 0, 0, 0, 1, 0]).is_none());
    }
}
