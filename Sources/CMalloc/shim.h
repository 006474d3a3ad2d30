// glibc's malloc tuning (mallopt), which Swift's Glibc module does not import.
#if defined(__GLIBC__) || (defined(__linux__) && !defined(__APPLE__))
#include <malloc.h>
#endif
