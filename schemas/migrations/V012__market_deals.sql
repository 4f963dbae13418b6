-- Accepted prices the marketplace reports, for quote suggestions (the lane market), and the
-- countries of a load's ends (comparable deals may match by country pair).
CREATE TABLE market_deals (
    id                  text PRIMARY KEY,
    origin              geography(Point, 4326) NOT NULL,
    origin_country      char(2),
    destination         geography(Point, 4326) NOT NULL,
    destination_country char(2),
    deal_date           date NOT NULL,
    weight_kg           double precision NOT NULL CHECK (weight_kg > 0),
    price               numeric(14, 2) NOT NULL CHECK (price >= 0),
    currency            char(3) NOT NULL CHECK (currency IN ('EUR', 'RON')),
    received_by         text NOT NULL,
    received_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX market_deals_date ON market_deals (deal_date);
CREATE INDEX market_deals_origin ON market_deals USING gist (origin);
CREATE INDEX market_deals_countries ON market_deals (origin_country, destination_country, deal_date);

ALTER TABLE cargo ADD COLUMN from_country char(2), ADD COLUMN to_country char(2);
