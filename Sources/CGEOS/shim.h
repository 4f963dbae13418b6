// GEOS C API, re-entrant (_r) functions only are used by GeoFleetGeometry.
#include <geos_c.h>
