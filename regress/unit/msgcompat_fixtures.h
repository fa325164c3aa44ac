/* Made by the code of commit 1d43216; see test_msgcompat.c. */
static const char fx_wrap_sender[] =
    "02bd2d4756e81d40996fbfa8ca6f646ce6a99a10cad38488ae69bff7a8d8540f"
    "96d384131b5d6173f201687b3ba024148ba29dac763a608339974c4dd7cc8f3c"
    "cac6818e435bc561d9a127463f298af7";
static const char fx_wrap_rcpt[] =
    "3b130c77c4fd75dc14b967fdb8b06f13fe1cde47dc02bdcef24a063f0ee9d91b"
    "248315e43b716ca03245f74b479c70df6243d8f66837a19619ecbdcef09f6692"
    "3717e40128266c1393f8235382766677";
static const char fx_sig[] =
    "8f878d5e254bdd9135ac1ad716a48756a3981c55872f7732eb7490908d886b70"
    "a2312cec9a95972c80f6b0467535e4f833a367dc80dba41d3337322e99747404";
static const char fx_edpub[] =
    "23abf7252e6e49ac7229739193cfa437705f7f9a160bc997fa11e6d30cc77677";
