-- Schema 10: the Coretax values of 0003 move out of faktur and faktur_item into tables of their
-- own. Only faktur imported from Coretax XML (or edited from one) have any; as columns they made
-- every faktur row twelve columns and a dozen checks wider, which cost each faktur written by a
-- bulk CSV import about a tenth of its time (issue #9). A faktur without Coretax values now has
-- no row here, and its own rows are as narrow as before 0003.

CREATE TABLE faktur_coretax (
    faktur_id             INTEGER PRIMARY KEY REFERENCES faktur (id) ON DELETE CASCADE,
    -- BuyerDocument: 'TIN', 'National ID', 'Passport' or 'Other ID'.
    buyer_document        TEXT CHECK (buyer_document IS NULL OR buyer_document = 'TIN'
        OR buyer_document = 'National ID' OR buyer_document = 'Passport'
        OR buyer_document = 'Other ID'),
    buyer_document_number TEXT,
    -- ISO alpha-3 (BuyerCountry).
    buyer_country         TEXT CHECK (buyer_country IS NULL OR length(buyer_country) = 3),
    buyer_email           TEXT NOT NULL DEFAULT '',
    -- BuyerIDTKU / SellerIDTKU as written (NITKU: NPWP 16 + 6-digit place of business).
    buyer_idtku           TEXT,
    seller_idtku          TEXT,
    -- CustomDocMonthYear (MMYYYY of the supporting document).
    custom_doc_month_year TEXT NOT NULL DEFAULT '',
    -- The nn of FacilityStamp TD.011nn when it is not the keterangan tambahan's nn.
    facility_stamp        INTEGER
);

-- Per line: 'A' barang or 'B' jasa, the 6-digit code, the unit UM.0001..UM.0039.
CREATE TABLE faktur_item_coretax (
    faktur_id INTEGER NOT NULL,
    line_no   INTEGER NOT NULL,
    opt       TEXT NOT NULL CHECK (opt IN ('A', 'B')),
    code      TEXT NOT NULL CHECK (length(code) = 6),
    unit      TEXT NOT NULL CHECK (length(unit) = 7),
    PRIMARY KEY (faktur_id, line_no),
    FOREIGN KEY (faktur_id, line_no) REFERENCES faktur_item (faktur_id, line_no) ON DELETE CASCADE
) WITHOUT ROWID;

INSERT INTO faktur_coretax (faktur_id, buyer_document, buyer_document_number, buyer_country,
    buyer_email, buyer_idtku, seller_idtku, custom_doc_month_year, facility_stamp)
SELECT id, ct_buyer_document, ct_buyer_document_number, ct_buyer_country, ct_buyer_email,
    ct_buyer_idtku, ct_seller_idtku, ct_custom_doc_month_year, ct_facility_stamp
FROM faktur
WHERE ct_buyer_document IS NOT NULL OR ct_buyer_document_number IS NOT NULL
    OR ct_buyer_country IS NOT NULL OR ct_buyer_email <> '' OR ct_buyer_idtku IS NOT NULL
    OR ct_seller_idtku IS NOT NULL OR ct_custom_doc_month_year <> ''
    OR ct_facility_stamp IS NOT NULL;

-- A line keeps its values only when all three are there (what the store reads back).
INSERT INTO faktur_item_coretax (faktur_id, line_no, opt, code, unit)
SELECT faktur_id, line_no, ct_opt, ct_code, ct_unit
FROM faktur_item
WHERE ct_opt IS NOT NULL AND ct_code IS NOT NULL AND ct_unit IS NOT NULL;

ALTER TABLE faktur DROP COLUMN ct_buyer_document;
ALTER TABLE faktur DROP COLUMN ct_buyer_document_number;
ALTER TABLE faktur DROP COLUMN ct_buyer_country;
ALTER TABLE faktur DROP COLUMN ct_buyer_email;
ALTER TABLE faktur DROP COLUMN ct_buyer_idtku;
ALTER TABLE faktur DROP COLUMN ct_seller_idtku;
ALTER TABLE faktur DROP COLUMN ct_custom_doc_month_year;
ALTER TABLE faktur DROP COLUMN ct_facility_stamp;
ALTER TABLE faktur_item DROP COLUMN ct_opt;
ALTER TABLE faktur_item DROP COLUMN ct_code;
ALTER TABLE faktur_item DROP COLUMN ct_unit;
