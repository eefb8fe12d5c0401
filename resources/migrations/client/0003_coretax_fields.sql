-- Schema 2: what Coretax XML says beyond the e-Faktur CSV fields, so that a faktur imported from
-- Coretax goes back out as it came in, and the goods/services classification Coretax needs per
-- line. Every column is nullable: faktur from CSV or typed in leave them empty and the Coretax
-- exporter derives their values (Referensi Barang/Jasa per line, then the export's defaults).

-- BuyerDocument: 'TIN', 'National ID', 'Passport' or 'Other ID'.
ALTER TABLE faktur ADD COLUMN ct_buyer_document TEXT
    CHECK (ct_buyer_document IS NULL OR ct_buyer_document = 'TIN'
        OR ct_buyer_document = 'National ID' OR ct_buyer_document = 'Passport'
        OR ct_buyer_document = 'Other ID');
ALTER TABLE faktur ADD COLUMN ct_buyer_document_number TEXT;
-- ISO alpha-3 (BuyerCountry).
ALTER TABLE faktur ADD COLUMN ct_buyer_country TEXT
    CHECK (ct_buyer_country IS NULL OR length(ct_buyer_country) = 3);
ALTER TABLE faktur ADD COLUMN ct_buyer_email TEXT NOT NULL DEFAULT '';
-- BuyerIDTKU / SellerIDTKU as written (NITKU: NPWP 16 + 6-digit place of business).
ALTER TABLE faktur ADD COLUMN ct_buyer_idtku TEXT;
ALTER TABLE faktur ADD COLUMN ct_seller_idtku TEXT;
-- CustomDocMonthYear (MMYYYY of the supporting document).
ALTER TABLE faktur ADD COLUMN ct_custom_doc_month_year TEXT NOT NULL DEFAULT '';
-- The nn of FacilityStamp TD.011nn when it is not the keterangan tambahan's nn.
ALTER TABLE faktur ADD COLUMN ct_facility_stamp INTEGER;

-- Per line: 'A' barang or 'B' jasa, the 6-digit code, the unit UM.0001..UM.0039.
ALTER TABLE faktur_item ADD COLUMN ct_opt TEXT CHECK (ct_opt IS NULL OR ct_opt IN ('A', 'B'));
ALTER TABLE faktur_item ADD COLUMN ct_code TEXT CHECK (ct_code IS NULL OR length(ct_code) = 6);
ALTER TABLE faktur_item ADD COLUMN ct_unit TEXT CHECK (ct_unit IS NULL OR length(ct_unit) = 7);

-- Referensi Barang/Jasa: the same three, used for every line with this item's code.
ALTER TABLE barang_jasa ADD COLUMN ct_opt TEXT CHECK (ct_opt IS NULL OR ct_opt IN ('A', 'B'));
ALTER TABLE barang_jasa ADD COLUMN ct_code TEXT CHECK (ct_code IS NULL OR length(ct_code) = 6);
ALTER TABLE barang_jasa ADD COLUMN ct_unit TEXT CHECK (ct_unit IS NULL OR length(ct_unit) = 7);
