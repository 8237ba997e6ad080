"""Postal addresses for the demo portfolio, written the way each country writes them, so letters
and statements carry a believable address block (street names and places are real; numbers are
drawn). Drawn from their own random stream, so adding them changed no other figure of the
portfolio."""

from __future__ import annotations

import random

# (city line pieces) per country: each entry is a place that exists with its real postal code.
_US_PLACES = (
    ("Austin", "TX", "78701"), ("Chicago", "IL", "60601"), ("Denver", "CO", "80202"),
    ("Atlanta", "GA", "30303"), ("Seattle", "WA", "98101"), ("Phoenix", "AZ", "85004"),
    ("Columbus", "OH", "43215"), ("Nashville", "TN", "37203"), ("Miami", "FL", "33130"),
    ("Portland", "OR", "97204"), ("Charlotte", "NC", "28202"), ("Minneapolis", "MN", "55401"),
    ("Houston", "TX", "77002"), ("Sacramento", "CA", "95814"), ("Boston", "MA", "02110"),
)  # fmt: skip
_US_STREETS = (
    "Main St", "Oak Avenue", "Commerce Street", "Industrial Blvd", "Maple Drive", "Market Street",
    "Lakeshore Drive", "Harbor Road", "Elm Street", "Park Avenue", "Pine Street", "Broadway",
)  # fmt: skip
_US_UNITS = ("", "", "", "Suite 100", "Suite 220", "Floor 3", "Unit B", "Building 2")

# (street, colonia, postal code, city, state)
_MX_PLACES = (
    ("Av. Insurgentes Sur", "Col. Del Valle", "03100", "Ciudad de México", "CDMX"),
    ("Paseo de la Reforma", "Col. Juárez", "06600", "Ciudad de México", "CDMX"),
    ("Av. Constitución", "Col. Centro", "64000", "Monterrey", "N.L."),
    ("Av. Vallarta", "Col. Arcos Vallarta", "44130", "Guadalajara", "Jal."),
    ("Blvd. Adolfo López Mateos", "Col. Jardines del Moral", "37160", "León", "Gto."),
    ("Av. Juárez", "Col. Centro", "72000", "Puebla", "Pue."),
    ("Calz. Independencia", "Col. Industrial", "21010", "Mexicali", "B.C."),
    ("Av. Tecnológico", "Col. Santa Rita", "31020", "Chihuahua", "Chih."),
    ("Blvd. Kukulcán", "Zona Hotelera", "77500", "Cancún", "Q. Roo"),
    ("Av. Colón", "Col. Centro", "97000", "Mérida", "Yuc."),
)  # fmt: skip

# (landmark directions, district, canton, postal code, province)
_CR_PLACES = (
    ("De la Iglesia de San Pedro, 200 m norte y 50 m este", "San Pedro", "Montes de Oca",
     "11501", "San José"),
    ("Frente al Parque Central, edificio blanco", "Carmen", "San José", "10101", "San José"),
    ("Zona Franca Coyol, nave {n}", "San José", "Alajuela", "20102", "Alajuela"),
    ("Del Mall Paseo de las Flores, 300 m sur", "Ulloa", "Heredia", "40104", "Heredia"),
    ("Oficentro La Sabana, torre {n}, piso 3", "Mata Redonda", "San José", "10108", "San José"),
    ("Costado oeste de la Basílica, 100 m sur", "Oriental", "Cartago", "30101", "Cartago"),
    ("Barrio El Carmen, 75 m este de la escuela", "Liberia", "Liberia", "50101", "Guanacaste"),
    ("Centro Corporativo Plaza Roble, edificio {n}", "San Rafael", "Escazú", "10203",
     "San José"),
)  # fmt: skip

# (street, barangay, city, postal code, province or region)
_PH_PLACES = (
    ("Ayala Avenue", "Brgy. San Lorenzo", "Makati City", "1223", "Metro Manila"),
    ("Ortigas Avenue", "Brgy. San Antonio", "Pasig City", "1605", "Metro Manila"),
    ("5th Avenue, Bonifacio Global City", "Brgy. Fort Bonifacio", "Taguig City", "1634",
     "Metro Manila"),
    ("Osmeña Boulevard", "Brgy. Kamputhaw", "Cebu City", "6000", "Cebu"),
    ("J.P. Laurel Avenue", "Brgy. Bajada", "Davao City", "8000", "Davao del Sur"),
    ("Commonwealth Avenue", "Brgy. Holy Spirit", "Quezon City", "1127", "Metro Manila"),
    ("MacArthur Highway", "Brgy. Dolores", "San Fernando", "2000", "Pampanga"),
    ("Gov. M. Cuenco Avenue", "Brgy. Banilad", "Cebu City", "6000", "Cebu"),
)  # fmt: skip

# (street, postal code, city, province)
_ES_PLACES = (
    ("Calle de Alcalá", "28014", "Madrid", "Madrid"),
    ("Paseo de la Castellana", "28046", "Madrid", "Madrid"),
    ("Carrer de Balmes", "08006", "Barcelona", "Barcelona"),
    ("Avenida de la Constitución", "41001", "Sevilla", "Sevilla"),
    ("Calle Colón", "46004", "Valencia", "Valencia"),
    ("Gran Vía de Don Diego López de Haro", "48001", "Bilbao", "Bizkaia"),
    ("Calle Larios", "29005", "Málaga", "Málaga"),
    ("Paseo Independencia", "50004", "Zaragoza", "Zaragoza"),
    ("Polígono Industrial Las Atalayas, calle del Zafiro", "03114", "Alicante", "Alicante"),
)  # fmt: skip


def postal_address(country: str, rng: random.Random) -> str:
    """A street address (without the name and the country), one line per line."""
    n = rng.randint(1, 2999)
    if country == "MX":
        street, colonia, cp, city, state = rng.choice(_MX_PLACES)
        return f"{street} {n}, {colonia}\n{cp} {city}, {state}"
    if country == "CR":
        where, district, canton, cp, province = rng.choice(_CR_PLACES)
        return f"{where.format(n=rng.randint(1, 12))}\n{district}, {canton}\n{cp} {province}"
    if country == "PH":
        street, barangay, city, zip_code, region = rng.choice(_PH_PLACES)
        unit = f"Unit {rng.randint(2, 40)}{rng.randint(1, 20):02d}, " if rng.random() < 0.5 else ""
        return f"{unit}{n} {street}, {barangay}\n{city} {zip_code}\n{region}"
    if country == "ES":
        street, cp, city, province = rng.choice(_ES_PLACES)
        floor = rng.choice(("", f", {rng.randint(1, 9)}.º {rng.choice('ABCD')}", ", bajo"))
        city_line = f"{cp} {city}" + ("" if city == province else f" ({province})")
        return f"{street}, {rng.randint(1, 240)}{floor}\n{city_line}"
    city, state, zip_code = rng.choice(_US_PLACES)
    unit = rng.choice(_US_UNITS)
    street = f"{n} {rng.choice(_US_STREETS)}" + (f", {unit}" if unit else "")
    return f"{street}\n{city}, {state} {zip_code}"
