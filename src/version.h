#ifndef EARSHOT_VERSION_H
#define EARSHOT_VERSION_H
#define EARSHOT_VERSION "0.1.0"
#define EARSHOT_URL "https://earshot.invalid/"
#endif
