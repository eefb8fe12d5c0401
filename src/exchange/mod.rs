//! e-Faktur CSV import/export and Coretax XML.
