/* placeholder, replaced below */
#include "import.h"
bool imp_read_imagebuilder(struct imp *im, const char *text, size_t size)
{
	(void)text;
	(void)size;
	imp_error(im, 0, "", "not a device tree");
	return false;
}
