-- A branch (cabang) is usable only after the KPP officer confirmed its SK Pemusatan
-- (`enofa-server cabang approve`). NULL on a branch row = still waiting; head offices
-- (npwp_pusat NULL) ignore it. Branches added under schema 1 were never confirmed, and
-- schema 1 let a head office add any NPWP as its branch: they all wait for the operator.
ALTER TABLE account ADD COLUMN sk_approved_at TEXT;
