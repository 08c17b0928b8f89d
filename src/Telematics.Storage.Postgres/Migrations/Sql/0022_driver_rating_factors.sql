-- The classical rating factors of a driver, priced by a plan's classical_relativities and used to find the cell whose
-- mean frequency the telematics relativity is measured against (docs/pricing/README.md). The codes are the wire codes
-- of Telematics.Scoring.Pricing.RatingFactorCodes, the same as the training report's; NULL means "not on record", priced
-- with factor 1 and the coarser cell. Existing rows stay NULL, so every plan prices them as before.
--
-- No new grant: 0015_least_privilege grants the application role the drivers table as a whole.
ALTER TABLE drivers
    ADD COLUMN age_band text CHECK (age_band IS NULL OR age_band IN ('under25', '25_39', '40_64', 'over65')),
    ADD COLUMN vehicle_class text CHECK (vehicle_class IS NULL OR vehicle_class IN ('small', 'family', 'suv', 'performance'));

COMMENT ON COLUMN drivers.age_band IS 'Age band code (under25, 25_39, 40_64, over65) for the plan''s age relativity and cell; NULL = not on record (factor 1).';
COMMENT ON COLUMN drivers.vehicle_class IS 'Vehicle class code (small, family, suv, performance) for the plan''s vehicle relativity and cell; NULL = not on record (factor 1).';
