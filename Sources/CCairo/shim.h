// cairo's image surfaces, paths, toy text and PNG streams; GeoFleetTiles' TileCanvas is the only user.
#include <cairo.h>
