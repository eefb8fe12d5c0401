//! Where the squashfs starts: right after the runtime ELF, whose end is the end of its section
//! header table (the AppImage type 2 specification; appimaged and `unsquashfs -o` use the same).

/// `e_shoff + e_shentsize * e_shnum` from an ELF header (32 or 64 bit, either byte order), or
/// `None` when `header` is not an ELF header with section headers.
pub fn payload_offset(header: &[u8]) -> Option<u64> {
    if header.get(..4)? != b"\x7fELF" {
        return None;
    }
    let big_endian = match header.get(5)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let int = |at: usize, len: usize| -> Option<u64> {
        let bytes = header.get(at..at + len)?;
        let fold = |acc: u64, b: &u8| (acc << 8) | u64::from(*b);
        Some(if big_endian {
            bytes.iter().fold(0, fold)
        } else {
            bytes.iter().rev().fold(0, fold)
        })
    };
    // (e_shoff, its width, e_shentsize, e_shnum) for ELFCLASS32 and ELFCLASS64
    let (shoff, shentsize, shnum) = match header.get(4)? {
        1 => (int(0x20, 4)?, int(0x2e, 2)?, int(0x30, 2)?),
        2 => (int(0x28, 8)?, int(0x3a, 2)?, int(0x3c, 2)?),
        _ => return None,
    };
    if shoff == 0 || shnum == 0 {
        return None;
    }
    shoff.checked_add(shentsize * shnum)
}

#[cfg(test)]
mod tests {
    use super::payload_offset;

    #[test]
    fn a_linked_binary_ends_with_its_section_headers() {
        let me = std::env::current_exe().unwrap();
        let bytes = std::fs::read(&me).unwrap();
        assert_eq!(payload_offset(&bytes[..64]), Some(bytes.len() as u64));
    }

    #[test]
    fn both_classes_and_byte_orders() {
        let mut h64 = [0u8; 64];
        h64[..6].copy_from_slice(b"\x7fELF\x02\x01");
        h64[0x28..0x30].copy_from_slice(&1000u64.to_le_bytes());
        h64[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        h64[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes());
        assert_eq!(payload_offset(&h64), Some(1192));

        let mut h32 = [0u8; 52];
        h32[..6].copy_from_slice(b"\x7fELF\x01\x02");
        h32[0x20..0x24].copy_from_slice(&500u32.to_be_bytes());
        h32[0x2e..0x30].copy_from_slice(&40u16.to_be_bytes());
        h32[0x30..0x32].copy_from_slice(&2u16.to_be_bytes());
        assert_eq!(payload_offset(&h32), Some(580));
    }

    #[test]
    fn anything_else_has_no_offset() {
        assert_eq!(payload_offset(b""), None);
        assert_eq!(payload_offset(b"PK\x03\x04"), None);
        assert_eq!(payload_offset(b"\x7fELF\x02\x01"), None, "cut short");
        let mut no_sections = [0u8; 64];
        no_sections[..6].copy_from_slice(b"\x7fELF\x02\x01");
        assert_eq!(payload_offset(&no_sections), None);
        let mut huge = no_sections;
        huge[0x28..0x30].copy_from_slice(&u64::MAX.to_le_bytes());
        huge[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        huge[0x3c..0x3e].copy_from_slice(&1u16.to_le_bytes());
        assert_eq!(payload_offset(&huge), None, "overflow");
    }
}
