import Foundation

/// Per-km road toll rates in EUR, by ISO country code and vehicle class (`car`, `van`, `rigid`,
/// `articulated`), applied to the route's `toll=yes` stretches in that country. A carrier's own rates
/// (`CostSettings.tollRates`, in its currency) replace these entry by entry.
public struct TollRateTable: Sendable, Equatable {
    public var rates: [String: [String: Double]]

    public init(rates: [String: [String: Double]]) { self.rates = rates }

    /// Approximate 2025–26 public tariffs for Euro VI vehicles on tolled motorways, in EUR per km,
    /// rounded; van = ≤ 3.5 t, rigid = 2–3 axles over 12 t, articulated = 4+ axles, 40 t. A country
    /// whose vans or cars pay a time-based vignette instead has 0 for them.
    /// Sources, for a carrier to check and override:
    /// - RO: motorways are paid by the time-based rovinietă (count it in `vehicleCostPerDay`); OSM tags
    ///   `toll=yes` on the Danube bridges (Fetești–Cernavodă, Giurgeni–Vadu Oii), whose per-passage fee
    ///   (CNAIR, cnair.ro: ≈ €4 van, €10 rigid, €20 articulated) is spread here over their ≈ 2.5 km.
    /// - HU: HU-GO, nemzetiutdij.hu, motorway tariff incl. the CO₂ and noise components (J2/J3/J4).
    /// - BG: TOLL BG, bgtoll.bg, per-km toll for vehicles over 12 t on motorways.
    /// - RS: Putevi Srbije, putevi-srbije.rs, categories IA/II/III/IV over the Belgrade–Niš distance.
    /// - MD, UA: vignette only (0).
    /// - AT: ASFINAG GO-Maut, asfinag.at, categories 2/4+ with the CO₂ class of Euro VI.
    /// - SK, CZ, SI, HR, PL: eMyto (emyto.sk), myto.cz, DarsGo (darsgo.si), HAC (hac.hr), e-TOLL (etoll.gov.pl).
    /// - DE: Toll Collect Maut 2024 tariff, ≥ 18 t / ≥ 5 axles, CO₂ class 1.
    /// - FR, ES, IT, PT: concession motorway averages for classes 1/2/3/4 (ASFA, SEOPAN, AISCAT, Brisa).
    /// - AD: the Envalira tunnel's passage price (tunel-envalira.ad) spread over its 2.9 km.
    public static let standard = TollRateTable(rates: [
        "RO": ["car": 1.2, "van": 1.6, "rigid": 4.0, "articulated": 8.0],
        "HU": ["car": 0, "van": 0, "rigid": 0.35, "articulated": 0.55],
        "BG": ["car": 0, "van": 0, "rigid": 0.10, "articulated": 0.14],
        "RS": ["car": 0.035, "van": 0.05, "rigid": 0.13, "articulated": 0.25],
        "MD": ["car": 0, "van": 0, "rigid": 0, "articulated": 0],
        "UA": ["car": 0, "van": 0, "rigid": 0, "articulated": 0],
        "AT": ["car": 0, "van": 0, "rigid": 0.24, "articulated": 0.45],
        "SK": ["car": 0, "van": 0, "rigid": 0.15, "articulated": 0.21],
        "CZ": ["car": 0, "van": 0, "rigid": 0.20, "articulated": 0.29],
        "SI": ["car": 0, "van": 0, "rigid": 0.23, "articulated": 0.36],
        "HR": ["car": 0.05, "van": 0.07, "rigid": 0.14, "articulated": 0.20],
        "PL": ["car": 0, "van": 0, "rigid": 0.08, "articulated": 0.11],
        "DE": ["car": 0, "van": 0, "rigid": 0.25, "articulated": 0.348],
        "FR": ["car": 0.09, "van": 0.14, "rigid": 0.20, "articulated": 0.26],
        "ES": ["car": 0.09, "van": 0.09, "rigid": 0.13, "articulated": 0.19],
        "IT": ["car": 0.08, "van": 0.08, "rigid": 0.12, "articulated": 0.17],
        "PT": ["car": 0.08, "van": 0.10, "rigid": 0.14, "articulated": 0.16],
        "AD": ["car": 2.48, "van": 2.48, "rigid": 7.45, "articulated": 10.86],
    ])

    /// The rate for a country and class, from the carrier's table first (already in its currency), then
    /// the standard one (EUR, converted): the amount per km and whether it was the carrier's.
    public static func rate(
        country: String, vehicleClass: String, carrier: [String: [String: Double]], currency: Currency, eurToRon: Decimal
    ) -> (perKm: Decimal, carriers: Bool)? {
        if let own = carrier[country]?[vehicleClass] { return (Exact.decimal(own, places: 4), true) }
        guard let standard = Self.standard.rates[country]?[vehicleClass] else { return nil }
        return (Exact.decimal(standard, places: 4) * Currency.eur.factor(to: currency, eurToRon: eurToRon), false)
    }
}
