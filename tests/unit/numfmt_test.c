/* Unit tests for lib/numfmt.c.
 *
 *   numfmt_test                   the suite; prints "numfmt: N checks, N failures"
 *   numfmt_test --bench           ns per value, against printf("%.17g")
 *   numfmt_test --all-floats      every one of the 2^32 floats (minutes)
 *
 * The reference for "shortest" is the printf loop: the smallest n for which
 * printf("%.{n-1}e") reads back to the same value; its digits are then the
 * correctly rounded ones, i.e. the closest.  VT_ASAN=1 (sanitizer build)
 * and NUMFMT_RANDOM=N scale the random part. */
#include "numfmt.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct stats {
	long checks;
	long failures;
	long beat_printf;	/* shorter than the printf loop (powers of two) */
};

struct double_case {
	double value;
	const char *repr;
};

struct float_case {
	float value;
	const char *repr;
};

/* Known answers from python3: repr(x) for doubles; for floats the digits of
 * repr(numpy.float32(x)) laid out as repr() does.  Generated once, by hand. */
static const struct double_case python_doubles[] = {
	/* powers of two where repr() is shorter than the printf loop */
	{ 0x1p-24, "5.960464477539063e-08" },
	{ 0x1p-44, "5.684341886080802e-14" },
	{ 0x1p89, "6.189700196426902e+26" },
	{ 0x1p-1017, "7.120236347223045e-307" },
	{ 0x1p574, "6.183260036827614e+172" },
	{ 0x1.999999999999ap-4, "0.1" },
	{ 0x1.999999999999ap-3, "0.2" },
	{ 0x1.3333333333333p-2, "0.3" },
	{ 0x1.5555555555555p-2, "0.3333333333333333" },
	{ 0x1.5555555555555p-1, "0.6666666666666666" },
	{ 0x1.52d02c7e14af6p+76, "1e+23" },
	{ 0x0.0000000000001p-1022, "5e-324" },
	{ 0x1.0000000000000p+53, "9007199254740992.0" },
	{ 0x1.0000000000001p+53, "9007199254740994.0" },
	{ 0x1.0000000000002p+53, "9007199254740996.0" },
	{ 0x1.1c37937e08000p+53, "1e+16" },
	{ 0x1.c6bf526340000p+49, "1000000000000000.0" },
	{ 0x1.1c37937e07fffp+53, "9999999999999998.0" },
	{ 0x1.18b54f22aeb00p+50, "1234567890123456.0" },
	{ 0x1.5ee2a2eb5a5c4p+53, "1.2345678901234568e+16" },
	{ 0x1.a36e2eb1c432dp-14, "0.0001" },
	{ 0x1.4f8b588e368f1p-17, "1e-05" },
	{ 0x1.02e4b6ce5dc68p-13, "0.00012345" },
	{ 0x1.a36d1bd105b06p-14, "9.9999e-05" },
	{ 0x1.f75104d551d69p-17, "1.5e-05" },
	{ 0x1.ad7f29abcaf48p-24, "1e-07" },
	{ 0x1.6dc186ef9f45cp+333, "2.5e+100" },
	{ 0x1.8000000000000p+0, "1.5" },
	{ 0x1.ec00000000000p+6, "123.0" },
	{ -0x1.edd2f1a9fbe77p+6, "-123.456" },
	{ 0x1.1ccf385ebc8a0p+1023, "1e+308" },
	{ 0x1.fffffffffffffp+1023, "1.7976931348623157e+308" },
	{ 0x1.0000000000000p-1022, "2.2250738585072014e-308" },
	{ 0x0.fffffffffffffp-1022, "2.225073858507201e-308" },
	{ 0x0.00000000007e8p-1022, "1e-320" },
	{ 0x0.0000000000002p-1022, "1e-323" },
	{ 0x0.0000000000014p-1022, "1e-322" },
	{ 0x1.0020000000000p-9, "0.0019540786743164062" },
	{ 0x1.0000000000000p+1023, "8.98846567431158e+307" },
	{ 0x1.0000000000000p+63, "9.223372036854776e+18" },
	{ 0x1.0000000000000p+64, "1.8446744073709552e+19" },
	{ 0x1.b1ae4d6e2ef50p+69, "1e+21" },
	{ 0x1.0f0cf064dd592p+73, "1e+22" },
	{ -0x1.0f0cf064dd592p+73, "-1e+22" },
	{ 0x0.05c0ab9347ed7p-1022, "5e-310" },
	{ 0x1.921fb54442d11p+1, "3.14159265358979" },
	{ 0x1.5bf0a8b145769p+1, "2.718281828459045" },
	{ 0x1.fe185ca57c517p+78, "6.02214076e+23" },
	{ 0x1.b860bde023111p-111, "6.62607015e-34" },
	{ 0x1.1de784a000000p+28, "299792458.0" },
	{ 0x1.0000000000000p-1, "0.5" },
	{ 0x1.0000000000000p-2, "0.25" },
	{ 0x1.9000000000000p+6, "100.0" },
	{ 0x1.06243162a38e4p-10, "0.00099999" },
	{ -0x0.0p+0, "-0.0" },
	{ 0x1.4f8b588e368f2p-17, "1.0000000000000003e-05" },
	{ 0x1.1666666666666p+2, "4.35" },
	{ 0x1.1eb851eb851ecp-4, "0.07" },
	{ 0x1.0000000000001p+0, "1.0000000000000002" },
	{ 0x1.fffffffffffffp-1, "0.9999999999999999" },
	{ 0x1.c12218377de66p+46, "123456789012345.6" },
	{ 0x1.249ad2594c37dp+332, "1e+100" },
	{ 0x1.bff2ee48e0530p-333, "1e-100" },
	{ 0x1.4484bfeebc2a0p-100, "1e-30" },
	{ 0x1.0000000000000p-900, "1.1830521861667747e-271" },
	{ 0x1.95a5efea6b347p-97, "1e-29" },
	{ 0x1.0000000000000p-870, "1.2702926122619002e-262" },
	{ 0x1.fb0f6be506019p-94, "1e-28" },
	{ 0x1.0000000000000p-840, "1.3639663065038175e-253" },
	{ 0x1.3ce9a36f23c10p-90, "1e-27" },
	{ 0x1.0000000000000p-810, "1.4645476698199521e-244" },
	{ 0x1.8c240c4aecb14p-87, "1e-26" },
	{ 0x1.0000000000000p-780, "1.5725460863274251e-235" },
	{ 0x1.ef2d0f5da7dd9p-84, "1e-25" },
	{ 0x1.0000000000000p-750, "1.688508503057271e-226" },
	{ 0x1.357c299a88ea7p-80, "1e-24" },
	{ 0x1.0000000000000p-720, "1.8130221999122236e-217" },
	{ 0x1.82db34012b251p-77, "1e-23" },
	{ 0x1.0000000000000p-690, "1.9467177638862437e-208" },
	{ 0x1.e392010175ee6p-74, "1e-22" },
	{ 0x1.0000000000000p-660, "2.0902722826084166e-199" },
	{ 0x1.2e3b40a0e9b4fp-70, "1e-21" },
	{ 0x1.0000000000000p-630, "2.2444127733846047e-190" },
	{ 0x1.79ca10c924223p-67, "1e-20" },
	{ 0x1.0000000000000p-600, "2.409919865102884e-181" },
	{ 0x1.d83c94fb6d2acp-64, "1e-19" },
	{ 0x1.0000000000000p-570, "2.587631751649405e-172" },
	{ 0x1.2725dd1d243acp-60, "1e-18" },
	{ 0x1.0000000000000p-540, "2.778448436856347e-163" },
	{ 0x1.70ef54646d497p-57, "1e-17" },
	{ 0x1.0000000000000p-510, "2.983336292480083e-154" },
	{ 0x1.cd2b297d889bcp-54, "1e-16" },
	{ 0x1.0000000000000p-480, "3.2033329522929615e-145" },
	{ 0x1.203af9ee75616p-50, "1e-15" },
	{ 0x1.0000000000000p-450, "3.4395525670743494e-136" },
	{ 0x1.6849b86a12b9bp-47, "1e-14" },
	{ 0x1.0000000000000p-420, "3.6931914471142943e-127" },
	{ 0x1.c25c268497682p-44, "1e-13" },
	{ 0x1.0000000000000p-390, "3.965534120805702e-118" },
	{ 0x1.19799812dea11p-40, "1e-12" },
	{ 0x1.0000000000000p-360, "4.257959840008151e-109" },
	{ 0x1.5fd7fe1796495p-37, "1e-11" },
	{ 0x1.0000000000000p-330, "4.5719495651291e-100" },
	{ 0x1.b7cdfd9d7bdbbp-34, "1e-10" },
	{ 0x1.0000000000000p-300, "4.909093465297727e-91" },
	{ 0x1.12e0be826d695p-30, "1e-09" },
	{ 0x1.0000000000000p-270, "5.271098971615262e-82" },
	{ 0x1.5798ee2308c3ap-27, "1e-08" },
	{ 0x1.0000000000000p-240, "5.659799424266695e-73" },
	{ 0x1.0000000000000p-210, "6.077163357286271e-64" },
	{ 0x1.0c6f7a0b5ed8dp-20, "1e-06" },
	{ 0x1.0000000000000p-180, "6.525304467998525e-55" },
	{ 0x1.0000000000000p-150, "7.006492321624085e-46" },
	{ 0x1.0000000000000p-120, "7.52316384526264e-37" },
	{ 0x1.0624dd2f1a9fcp-10, "0.001" },
	{ 0x1.0000000000000p-90, "8.077935669463161e-28" },
	{ 0x1.47ae147ae147bp-7, "0.01" },
	{ 0x1.0000000000000p-60, "8.673617379884035e-19" },
	{ 0x1.0000000000000p-30, "9.313225746154785e-10" },
	{ 0x1.0000000000000p+0, "1.0" },
	{ 0x1.4000000000000p+3, "10.0" },
	{ 0x1.0000000000000p+30, "1073741824.0" },
	{ 0x1.0000000000000p+60, "1.152921504606847e+18" },
	{ 0x1.f400000000000p+9, "1000.0" },
	{ 0x1.0000000000000p+90, "1.2379400392853803e+27" },
	{ 0x1.3880000000000p+13, "10000.0" },
	{ 0x1.0000000000000p+120, "1.329227995784916e+36" },
	{ 0x1.86a0000000000p+16, "100000.0" },
	{ 0x1.0000000000000p+150, "1.42724769270596e+45" },
	{ 0x1.e848000000000p+19, "1000000.0" },
	{ 0x1.0000000000000p+180, "1.532495540865889e+54" },
	{ 0x1.312d000000000p+23, "10000000.0" },
	{ 0x1.0000000000000p+210, "1.645504557321206e+63" },
	{ 0x1.7d78400000000p+26, "100000000.0" },
	{ 0x1.0000000000000p+240, "1.7668470647783843e+72" },
	{ 0x1.dcd6500000000p+29, "1000000000.0" },
	{ 0x1.0000000000000p+270, "1.8971375900641885e+81" },
	{ 0x1.2a05f20000000p+33, "10000000000.0" },
	{ 0x1.0000000000000p+300, "2.037035976334486e+90" },
	{ 0x1.74876e8000000p+36, "100000000000.0" },
	{ 0x1.0000000000000p+330, "2.187250724783012e+99" },
	{ 0x1.d1a94a2000000p+39, "1000000000000.0" },
	{ 0x1.0000000000000p+360, "2.3485425827738332e+108" },
	{ 0x1.2309ce5400000p+43, "10000000000000.0" },
	{ 0x1.0000000000000p+390, "2.5217283965692467e+117" },
	{ 0x1.6bcc41e900000p+46, "100000000000000.0" },
	{ 0x1.0000000000000p+420, "2.7076852481648583e+126" },
	{ 0x1.0000000000000p+450, "2.9073548971824276e+135" },
	{ 0x1.0000000000000p+480, "3.1217485503159922e+144" },
	{ 0x1.6345785d8a000p+56, "1e+17" },
	{ 0x1.0000000000000p+510, "3.3519519824856493e+153" },
	{ 0x1.bc16d674ec800p+59, "1e+18" },
	{ 0x1.0000000000000p+540, "3.599131035634557e+162" },
	{ 0x1.158e460913d00p+63, "1e+19" },
	{ 0x1.0000000000000p+570, "3.8645375230172583e+171" },
	{ 0x1.5af1d78b58c40p+66, "1e+20" },
	{ 0x1.0000000000000p+600, "4.149515568880993e+180" },
	{ 0x1.0000000000000p+630, "4.455508415646675e+189" },
	{ 0x1.0000000000000p+660, "4.784065733063811e+198" },
	{ 0x1.52d02c7e14af7p+76, "1.0000000000000001e+23" },
	{ 0x1.0000000000000p+690, "5.136851466355834e+207" },
	{ 0x1.a784379d99db4p+79, "1e+24" },
	{ 0x1.0000000000000p+720, "5.515652263101987e+216" },
	{ 0x1.08b2a2c280291p+83, "1e+25" },
	{ 0x1.0000000000000p+750, "5.922386521532856e+225" },
	{ 0x1.4adf4b7320335p+86, "1e+26" },
	{ 0x1.0000000000000p+780, "6.359114106063704e+234" },
	{ 0x1.9d971e4fe8402p+89, "1e+27" },
	{ 0x1.0000000000000p+810, "6.828046779268971e+243" },
	{ 0x1.027e72f1f1281p+93, "1e+28" },
	{ 0x1.0000000000000p+840, "7.33155940312959e+252" },
	{ 0x1.431e0fae6d721p+96, "1e+29" },
	{ 0x1.0000000000000p+870, "7.872201966280717e+261" },
	{ 0x1.93e5939a08ceap+99, "1e+30" },
	{ 0x1.0000000000000p+900, "8.452712498170644e+270" },
	{ 0x1.5d235ddd2798ap-12, "0.00033296408748553134" },
	{ 0x1.02f753d11c514p+66, "7.464190295448519e+19" },
	{ 0x1.9ad1ceb52cb14p-2, "0.40119097691347005" },
	{ 0x1.7e2a1e3713733p-14, "9.111512268697164e-05" },
	{ 0x1.e2d26683447c1p+443, "4.2838578727739187e+133" },
	{ 0x1.df8c847ea0ddbp-18, "7.145835410174668e-06" },
	{ -0x1.7739ba5e353f8p+9, "-750.451" },
	{ 0x1.4994005c91920p+3, "10.299316578672517" },
	{ 0x1.49167e01f192cp+16, "84246.49221715768" },
	{ 0x1.3e3dbaf6e1735p+9, "636.4822682" },
	{ 0x1.05a33edc0a2f6p+62, "4.713245394971908e+18" },
	{ 0x1.6400000000000p+9, "712.0" },
	{ 0x1.528a8e64ce563p+15, "43333.278112838765" },
	{ 0x1.4df3333333333p+9, "667.9" },
	{ 0x1.a200000000000p-5, "0.051025390625" },
	{ -0x1.737815438a5b5p+280, "-2.818911778819916e+84" },
	{ 0x1.54b4619df6dc0p+39, "731657588475.4297" },
	{ 0x1.c23286ac85400p-11, "0.0008586833333220634" },
	{ -0x1.2180d908a3e29p-600, "-2.725311647702959e-181" },
	{ 0x1.7000000000000p+8, "368.0" },
	{ 0x1.a5fd61c9ea850p+52, "7423722602276944.0" },
	{ 0x1.5d104e36f5f9ep+29, "732039622.8701055" },
	{ -0x1.42260559d7e79p+357, "-3.6942359140577326e+107" },
	{ 0x1.89b41f339a684p-51, "6.8296687940174e-16" },
	{ 0x1.52135d249e450p+9, "676.15128" },
	{ 0x1.1800000000000p-37, "7.958078640513122e-12" },
	{ 0x1.a6f09be38fcbbp+12, "6767.038058816625" },
	{ 0x1.ef25dbb445e6ap+49, "1088841711127501.2" },
	{ 0x1.cf9ba66b00000p-10, "0.0017685242007701163" },
	{ -0x1.a118b3d0d125ap+446, "-2.9605652679662333e+134" },
	{ 0x1.f89829470c237p+21, "4133637.159691121" },
	{ 0x1.2000000000000p-21, "5.364418029785156e-07" },
	{ -0x1.55f47c06e19b9p+9, "-683.910035" },
	{ -0x1.3c00000000000p+9, "-632.0" },
	{ 0x1.2aed9b49fe4ddp+801, "1.557232206051671e+241" },
	{ 0x1.39b03dc7f0016p+59, "7.063635768345915e+17" },
	{ 0x1.7603f600fb75ep+498, "1.1956042331965692e+150" },
	{ 0x1.e350000000000p-12, "0.0004609227180480957" },
	{ -0x1.ecf105c6cf0c2p-166, "-2.0586197349313294e-50" },
	{ -0x1.4cdd8cd20afa3p+9, "-665.73086" },
	{ 0x1.a152f6e82949ap+9, "834.64816" },
	{ -0x1.474ab58c0d341p-632, "-7.173612987408464e-191" },
	{ 0x1.351926190d055p+2, "4.8296599621426894" },
	{ -0x1.deeb79f3c5548p+1005, "-6.414583994518183e+302" },
	{ -0x1.74c3169e00599p-725, "-8.24982784503229e-219" },
	{ 0x1.9131f6ba74000p+9, "802.3903420511633" },
	{ 0x1.b254500000000p-29, "3.1601619099319578e-09" },
	{ 0x1.a4b3eec2fb91ap+29, "882277848.3728364" },
	{ -0x1.46cb0fd7e4580p+9, "-653.586421" },
	{ 0x1.8b257b7ad6800p+39, "848570465643.25" },
	{ 0x1.8000000000000p-59, "2.6020852139652106e-18" },
	{ -0x1.9b704d6ebf52ap+935, "-4.66778775202687e+281" },
	{ 0x1.a79da8e309f3fp-11, "0.0008079831280882534" },
	{ 0x1.22f31317825eep+49, "639804738831549.8" },
	{ 0x1.af4c6de76427cp+5, "53.912319" },
	{ 0x1.c218a9faa7001p-772, "7.0779724371702695e-233" },
	{ 0x1.ddb2d70701936p-266, "1.5737478532760411e-80" },
	{ -0x1.463180803b5b6p+727, "-8.995845915014364e+218" },
	{ 0x1.225c9fc486fc3p+17, "148665.2481850368" },
	{ 0x1.e39d6fd42bcedp-26, "2.8150097212170393e-08" },
	{ 0x1.4bc3c5a000000p+6, "82.94118356704712" },
	{ 0x1.9800000000000p-34, "9.276845958083868e-11" },
	{ -0x1.d2a4001cd8d92p+49, "-1026153590141362.2" },
	{ 0x1.888ffd96dbe1ep-16, "2.339854617211371e-05" },
	{ 0x1.275fa975602e8p+13, "9451.95774340765" },
	{ 0x1.f516028a6e94dp+12, "8017.375620300253" },
	{ -0x1.694c2d948dc12p+9, "-722.595141" },
	{ 0x1.4eae8bbfc4994p+39, "718723735522.2993" },
	{ 0x1.57bbf668e1abap+26, "90107865.63877383" },
	{ 0x1.34ea6b72da018p-18, "4.6032026713508015e-06" },
	{ 0x1.286d5c209246cp+8, "296.427187" },
	{ 0x1.f519ca6b80000p+10, "2004.4029797315598" },
	{ 0x1.2a181412d0f90p+31, "2500594185.4081497" },
	{ 0x1.a436f8129e8dap+44, "28876935866856.85" },
	{ 0x1.f3790d90a0164p+42, "8580878451328.348" },
	{ 0x1.fc1e8796a3b48p+39, "1091177794385.8525" },
	{ -0x1.39ed2123245bcp+479, "-1.9140604120865067e+144" },
	{ -0x1.1b93f2b529e0ep+357, "-3.2519278601701696e+107" },
	{ -0x1.71c3cb1280dcep+987, "-1.889258310627461e+297" },
	{ 0x1.8000000000000p-21, "7.152557373046875e-07" },
	{ 0x1.fcb1440000000p+30, "2133610752.0" },
	{ 0x1.ed42b97d29226p-18, "7.350156349482156e-06" },
	{ -0x1.d4c0000000000p+9, "-937.5" },
	{ 0x1.2000000000000p-12, "0.000274658203125" },
	{ -0x1.0c99b6aa4b988p+9, "-537.200887" },
	{ 0x1.61bee59cc5e21p+39, "759663087202.9415" },
	{ 0x1.22b93e61649eep+8, "290.7236081" },
	{ 0x1.3c4779ad8b1f9p+59, "7.121974445500653e+17" },
	{ 0x1.6b507fe4866e2p+63, "1.3089782626694664e+19" },
	{ 0x1.ab51911c47b16p+25, "56009506.22093789" },
	{ 0x1.8c293c943fd08p+1013, "1.358368024671298e+305" },
	{ 0x1.1fc5fa017c540p-2, "0.2810286582381032" },
	{ 0x1.51e26ad390000p+22, "5535898.706604004" },
	{ 0x1.b6db912b1a3bdp+32, "7362810155.102475" },
	{ 0x1.1757ff6fdee08p+41, "2399544467389.754" },
	{ -0x1.249eb851eb852p+6, "-73.155" },
	{ 0x1.5c58b34a56c00p+12, "5573.543772066943" },
	{ 0x1.60ba000000000p-8, "0.005382180213928223" },
	{ 0x1.473f5aba1801ep-180, "8.341364965636585e-55" },
	{ 0x1.c100000000000p+8, "449.0" },
	{ 0x1.e000000000000p-55, "5.204170427930421e-17" },
	{ -0x1.f7956b9857759p-34, "-1.1450167062791908e-10" },
	{ -0x1.eb00000000000p+8, "-491.0" },
	{ 0x1.6bcca1f846ef8p+36, "97656643460.43347" },
	{ 0x1.d8014806bac5dp+32, "7918929926.729581" },
	{ 0x1.485c000000000p-19, "2.446467988193035e-06" },
	{ -0x1.1f93d72367e41p+9, "-575.155003" },
	{ 0x1.9a8e2301ce2fap+28, "430498352.1128384" },
	{ -0x1.5700000000000p+7, "-171.5" },
	{ 0x1.cbf0d4aa10e02p+9, "919.88149" },
	{ 0x1.51fb5c7cd898bp+6, "84.49547" },
	{ 0x1.69d20b606c540p-6, "0.02208376990319505" },
	{ 0x1.aabe3f62dac80p+52, "7507344970591360.0" },
	{ 0x1.18aa9d5ebfc2cp+803, "5.84840009779011e+241" },
	{ 0x1.f7f568c692f6fp+8, "503.95863" },
	{ -0x1.32e91ac9afe1ep+9, "-613.82113" },
	{ 0x1.2400000000000p+9, "584.0" },
	{ -0x1.b2149d50077f5p+7, "-217.0402627" },
	{ 0x1.66d6825f7dad8p+19, "734900.0741566075" },
	{ 0x1.6adc5246b2296p-23, "1.6897014828143164e-07" },
	{ 0x1.8000000000000p+10, "1536.0" },
	{ -0x1.30901baa105aap-1020, "-1.058867181700717e-307" },
	{ 0x1.4000000000000p-57, "8.673617379884035e-18" },
	{ 0x1.83984089711d6p-7, "0.011828452598714383" },
	{ -0x1.db3bc50532c8cp+548, "-1.710427549193577e+165" },
	{ 0x1.13d70a3d70a3dp+7, "137.92" },
	{ 0x1.dc098cac64185p-7, "0.014527505577263575" },
	{ 0x1.77bfd17c00000p+21, "3078138.185546875" },
	{ 0x1.16a9392ce53ccp+297, "2.7716920928580666e+89" },
	{ 0x1.426bfa61ab682p-18, "4.8044590543035404e-06" },
};
static const struct float_case python_floats[] = {
	{ 0x1p-96f, "1.2621775e-29" },	/* shorter than the printf loop */
	{ 0x1p87f, "1.5474251e+26" },
	{ 0x1p90f, "1.2379401e+27" },
	{ 0x1.99999a0000000p-4f, "0.1" },
	{ 0x1.99999a0000000p-3f, "0.2" },
	{ 0x1.3333340000000p-2f, "0.3" },
	{ 0x1.5555560000000p-2f, "0.33333334" },
	{ 0x1.0000000000000p+24f, "16777216.0" },
	{ 0x1.0000020000000p+24f, "16777218.0" },
	{ 0x1.1c37940000000p+53f, "1e+16" },
	{ 0x1.c6bf520000000p+49f, "1000000000000000.0" },
	{ 0x1.0000000000000p-149f, "1e-45" },
	{ 0x1.fffffe0000000p+127f, "3.4028235e+38" },
	{ 0x1.0000000000000p-126f, "1.1754944e-38" },
	{ 0x1.fffffc0000000p-127f, "1.1754942e-38" },
	{ 0x1.a36e2e0000000p-14f, "0.0001" },
	{ 0x1.4f8b580000000p-17f, "1e-05" },
	{ 0x1.ad7f2a0000000p-24f, "1e-07" },
	{ 0x1.d6f3460000000p+26f, "123456790.0" },
	{ 0x1.8000000000000p+0f, "1.5" },
	{ -0x1.4000000000000p+1f, "-2.5" },
	{ 0x1.2a05f20000000p+33f, "10000000000.0" },
	{ 0x1.921fb60000000p+1f, "3.1415927" },
	{ 0x1.1de7840000000p+28f, "299792450.0" },
	{ -0x0.0p+0f, "-0.0" },
	{ 0x0.0p+0f, "0.0" },
	{ 0x1.5c87fc0000000p-84f, "7.0385313e-26" },
	{ 0x1.2ced320000000p+126f, "1e+38" },
	{ 0x1.b38fb80000000p-127f, "1e-38" },
	{ 0x1.312cfe0000000p+23f, "9999999.0" },
	{ 0x1.02e4b60000000p-13f, "0.00012345" },
	{ 0x1.0000000000000p+127f, "1.7014118e+38" },
	{ 0x1.0000000000000p+23f, "8388608.0" },
	{ 0x1.9000000000000p+6f, "100.0" },
	{ 0x1.1666660000000p+2f, "4.35" },
	{ 0x1.0020000000000p-9f, "0.0019540787" },
	{ 0x1.c000000000000p-147f, "1e-44" },
	{ 0x1.1c00000000000p-143f, "1e-43" },
	{ 0x1.6500000000000p-140f, "1e-42" },
	{ 0x1.be00000000000p-137f, "1e-41" },
	{ 0x1.16c2000000000p-133f, "1e-40" },
	{ 0x1.5c73000000000p-130f, "1e-39" },
	{ 0x1.1039d40000000p-123f, "1e-37" },
	{ 0x1.54484a0000000p-120f, "1e-36" },
	{ 0x1.a95a5c0000000p-117f, "1e-35" },
	{ 0x1.09d87a0000000p-113f, "1e-34" },
	{ 0x1.4c4e980000000p-110f, "1e-33" },
	{ 0x1.9f623e0000000p-107f, "1e-32" },
	{ 0x1.039d660000000p-103f, "1e-31" },
	{ 0x1.4484c00000000p-100f, "1e-30" },
	{ 0x1.95a5f00000000p-97f, "1e-29" },
	{ 0x1.fb0f6c0000000p-94f, "1e-28" },
	{ 0x1.3ce9a40000000p-90f, "1e-27" },
	{ 0x1.8c240c0000000p-87f, "1e-26" },
	{ 0x1.ef2d100000000p-84f, "1e-25" },
	{ 0x1.357c2a0000000p-80f, "1e-24" },
	{ 0x1.82db340000000p-77f, "1e-23" },
	{ 0x1.e392020000000p-74f, "1e-22" },
	{ 0x1.2e3b400000000p-70f, "1e-21" },
	{ 0x1.79ca100000000p-67f, "1e-20" },
	{ 0x1.d83c940000000p-64f, "1e-19" },
	{ 0x1.2725de0000000p-60f, "1e-18" },
	{ 0x1.70ef540000000p-57f, "1e-17" },
	{ 0x1.cd2b2a0000000p-54f, "1e-16" },
	{ 0x1.203afa0000000p-50f, "1e-15" },
	{ 0x1.6849b80000000p-47f, "1e-14" },
	{ 0x1.c25c260000000p-44f, "1e-13" },
	{ 0x1.1979980000000p-40f, "1e-12" },
	{ 0x1.5fd7fe0000000p-37f, "1e-11" },
	{ 0x1.b7cdfe0000000p-34f, "1e-10" },
	{ 0x1.12e0be0000000p-30f, "1e-09" },
	{ 0x1.5798ee0000000p-27f, "1e-08" },
	{ 0x1.0c6f7a0000000p-20f, "1e-06" },
	{ 0x1.0624de0000000p-10f, "0.001" },
	{ 0x1.47ae140000000p-7f, "0.01" },
	{ 0x1.0000000000000p+0f, "1.0" },
	{ 0x1.4000000000000p+3f, "10.0" },
	{ 0x1.f400000000000p+9f, "1000.0" },
	{ 0x1.3880000000000p+13f, "10000.0" },
	{ 0x1.86a0000000000p+16f, "100000.0" },
	{ 0x1.e848000000000p+19f, "1000000.0" },
	{ 0x1.312d000000000p+23f, "10000000.0" },
	{ 0x1.7d78400000000p+26f, "100000000.0" },
	{ 0x1.dcd6500000000p+29f, "1000000000.0" },
	{ 0x1.74876e0000000p+36f, "100000000000.0" },
	{ 0x1.d1a94a0000000p+39f, "1000000000000.0" },
	{ 0x1.2309ce0000000p+43f, "10000000000000.0" },
	{ 0x1.6bcc420000000p+46f, "100000000000000.0" },
	{ 0x1.6345780000000p+56f, "1e+17" },
	{ 0x1.bc16d60000000p+59f, "1e+18" },
	{ 0x1.158e460000000p+63f, "1e+19" },
	{ 0x1.5af1d80000000p+66f, "1e+20" },
	{ 0x1.b1ae4e0000000p+69f, "1e+21" },
	{ 0x1.0f0cf00000000p+73f, "1e+22" },
	{ 0x1.52d02c0000000p+76f, "1e+23" },
	{ 0x1.a784380000000p+79f, "1e+24" },
	{ 0x1.08b2a20000000p+83f, "1e+25" },
	{ 0x1.4adf4c0000000p+86f, "1e+26" },
	{ 0x1.9d971e0000000p+89f, "1e+27" },
	{ 0x1.027e720000000p+93f, "1e+28" },
	{ 0x1.431e100000000p+96f, "1e+29" },
	{ 0x1.93e5940000000p+99f, "1e+30" },
	{ 0x1.f8def80000000p+102f, "1e+31" },
	{ 0x1.3b8b5c0000000p+106f, "1e+32" },
	{ 0x1.8a6e320000000p+109f, "1e+33" },
	{ 0x1.ed09be0000000p+112f, "1e+34" },
	{ 0x1.3426180000000p+116f, "1e+35" },
	{ 0x1.812f9c0000000p+119f, "1e+36" },
	{ 0x1.e17b840000000p+122f, "1e+37" },
	{ 0x1.3269080000000p-28f, "4.4588564e-09" },
	{ 0x1.9685740000000p-15f, "4.8461116e-05" },
	{ 0x1.9bdde60000000p+32f, "6909978000.0" },
	{ 0x1.cf04180000000p+8f, "463.016" },
	{ 0x1.17c6360000000p+57f, "1.574989e+17" },
	{ -0x1.36570a0000000p+7f, "-155.17" },
	{ -0x1.832be40000000p+9f, "-774.3429" },
	{ 0x1.70f5e60000000p-14f, "8.796705e-05" },
	{ -0x1.b1b75c0000000p+72f, "-8.0006526e+21" },
	{ 0x1.d7c6b60000000p+8f, "471.7762" },
	{ 0x1.77be680000000p+48f, "413134650000000.0" },
	{ 0x1.9d9eb80000000p+8f, "413.62" },
	{ 0x1.3ad0e60000000p+9f, "629.632" },
	{ 0x1.c60a260000000p-93f, "1.7908706e-28" },
	{ 0x1.f500000000000p+8f, "501.0" },
	{ -0x1.d50dd20000000p+7f, "-234.527" },
	{ -0x1.3580000000000p+9f, "-619.0" },
	{ 0x1.1d8abe0000000p+43f, "9811147000000.0" },
	{ 0x1.3c6c880000000p+25f, "41474320.0" },
	{ 0x1.3acefa0000000p-4f, "0.076857544" },
	{ 0x1.7ec1c80000000p+27f, "200674880.0" },
	{ 0x1.b7be8e0000000p+89f, "1.0632366e+27" },
	{ 0x1.72300c0000000p+12f, "5923.003" },
	{ 0x1.db3c040000000p-109f, "2.8602132e-33" },
	{ -0x1.6000000000000p+9f, "-704.0" },
	{ 0x1.6ad9a40000000p-21f, "6.758611e-07" },
	{ -0x1.98d0840000000p+9f, "-817.629" },
	{ 0x1.f07aa60000000p+65f, "7.155018e+19" },
	{ 0x1.3aba760000000p-14f, "7.503709e-05" },
	{ 0x1.37ab760000000p+5f, "38.95872" },
	{ -0x1.d76c4a0000000p+8f, "-471.423" },
	{ -0x1.d066660000000p+6f, "-116.1" },
	{ 0x1.d5cccc0000000p+8f, "469.8" },
	{ -0x1.9400000000000p+6f, "-101.0" },
	{ -0x1.3880000000000p+8f, "-312.5" },
	{ -0x1.2a00000000000p+9f, "-596.0" },
	{ 0x1.f3e6660000000p+9f, "999.8" },
	{ 0x1.87199a0000000p+8f, "391.1" },
	{ -0x1.3cfd700000000p+8f, "-316.99" },
	{ -0x1.303a7c0000000p-26f, "-1.7708427e-08" },
	{ 0x1.7958e00000000p+16f, "96600.875" },
	{ -0x1.9232ae0000000p-109f, "-2.420641e-33" },
	{ 0x1.0f59140000000p+46f, "74587560000000.0" },
	{ -0x1.7de6660000000p+9f, "-763.8" },
	{ 0x1.c2dbaa0000000p-52f, "3.9105703e-16" },
	{ -0x1.7388860000000p+9f, "-743.0666" },
	{ -0x1.73ca3e0000000p+8f, "-371.79" },
	{ 0x1.aeab760000000p-44f, "9.56279e-14" },
	{ -0x1.c4f7600000000p+9f, "-905.9326" },
	{ 0x1.7a601a0000000p+55f, "5.3251603e+16" },
	{ 0x1.76c40a0000000p+73f, "1.3826417e+22" },
	{ -0x1.41ba5c0000000p-56f, "-1.7440908e-17" },
	{ 0x1.bbb6840000000p+61f, "3.996611e+18" },
	{ -0x1.3863ac0000000p+28f, "-327563970.0" },
	{ -0x1.a73e260000000p+122f, "-8.7904084e+36" },
	{ 0x1.46432e0000000p-25f, "3.7981945e-08" },
	{ -0x1.9900000000000p+9f, "-818.0" },
	{ 0x1.0ebc6c0000000p-18f, "4.034281e-06" },
	{ 0x1.0e02100000000p+13f, "8640.258" },
	{ 0x1.79c0e40000000p+19f, "773639.1" },
	{ -0x1.e011de0000000p-60f, "-1.6265397e-18" },
	{ 0x1.107ef00000000p+58f, "3.0680305e+17" },
	{ 0x1.bca6480000000p+47f, "244448670000000.0" },
	{ 0x1.336a7e0000000p+6f, "76.854" },
	{ 0x1.6f3c980000000p+60f, "1.653887e+18" },
	{ 0x1.1ef1bc0000000p-7f, "0.008756844" },
	{ -0x1.f9e6060000000p+71f, "-4.6660903e+21" },
	{ -0x1.689eb80000000p+8f, "-360.62" },
	{ 0x1.c3716a0000000p+44f, "31022928000000.0" },
	{ 0x1.3fceec0000000p-72f, "2.6453922e-22" },
	{ 0x1.3080000000000p+9f, "609.0" },
	{ 0x1.9304300000000p+9f, "806.0327" },
	{ 0x1.2e7f180000000p-19f, "2.2537743e-06" },
	{ 0x1.7fa3840000000p+8f, "383.63873" },
	{ 0x1.0ef4700000000p+125f, "4.5020094e+37" },
	{ -0x1.0fcaf40000000p+5f, "-33.9741" },
	{ 0x1.df51ec0000000p-82f, "3.8719162e-25" },
	{ 0x1.4a55f40000000p-16f, "1.9689545e-05" },
	{ 0x1.a0e5ae0000000p-26f, "2.426661e-08" },
	{ 0x1.3200000000000p+7f, "153.0" },
	{ 0x1.98cad40000000p-14f, "9.746368e-05" },
	{ 0x1.bb00000000000p+9f, "886.0" },
	{ 0x1.7924360000000p-21f, "7.024807e-07" },
	{ 0x1.80eca80000000p+19f, "788325.25" },
	{ -0x1.45222e0000000p+9f, "-650.267" },
	{ 0x1.7c56a80000000p-126f, "1.7464287e-38" },
	{ 0x1.a7a34e0000000p+9f, "847.2758" },
	{ 0x1.ce00000000000p+7f, "231.0" },
	{ 0x1.e40f4e0000000p+92f, "9.363078e+27" },
	{ 0x1.a390f00000000p-24f, "9.768786e-08" },
	{ 0x1.17dd400000000p-15f, "3.336242e-05" },
	{ 0x1.3ff6140000000p+12f, "5119.38" },
	{ 0x1.af00000000000p+7f, "215.5" },
	{ 0x1.e450ba0000000p+12f, "7749.0454" },
};

/* ---- helpers --------------------------------------------------------------- */

static void report(struct stats *st, const char *what, double v, const char *got,
		   const char *want)
{
	st->failures++;
	if (st->failures <= 30)
		fprintf(stderr, "FAIL %s: %a: got \"%s\", want \"%s\"\n",
			what, v, got, want);
}

/* splitmix64: a small deterministic generator, state passed explicitly */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double double_from_bits(uint64_t bits)
{
	double v;
	memcpy(&v, &bits, sizeof v);
	return v;
}

static float float_from_bits(uint32_t bits)
{
	float v;
	memcpy(&v, &bits, sizeof v);
	return v;
}

static uint64_t bits_of_double(double v)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	return bits;
}

static uint32_t bits_of_float(float v)
{
	uint32_t bits;
	memcpy(&bits, &v, sizeof bits);
	return bits;
}

/* A decimal as 0.DIGITS x 10^exp, DIGITS without leading or trailing zeros
 * (empty for zero). */
struct canon {
	char digits[40];
	int exp;
};

/* Parse "123.45", "0.001", "1.5e-07", "1e+16" (any of them signed). */
static int canonical(const char *s, struct canon *c)
{
	int n = 0, int_digits = -1, exp_part = 0;
	if (*s == '-')
		s++;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n >= (int)sizeof c->digits - 1)
				return -1;
			c->digits[n++] = *s;
		} else if (*s == '.' && int_digits < 0) {
			int_digits = n;
		} else if (*s == 'e' && n > 0) {
			char *end;
			exp_part = (int)strtol(s + 1, &end, 10);
			if (*end != '\0' || end == s + 1)
				return -1;
			break;
		} else {
			return -1;
		}
	}
	if (n == 0)
		return -1;
	if (int_digits < 0)
		int_digits = n;
	c->exp = int_digits + exp_part;
	int lead = 0;
	while (lead < n && c->digits[lead] == '0')
		lead++;
	memmove(c->digits, c->digits + lead, (size_t)(n - lead));
	n -= lead;
	c->exp -= lead;
	while (n > 0 && c->digits[n - 1] == '0')
		n--;
	c->digits[n] = '\0';
	return 0;
}

/* What Python's repr() prints for these digits, written independently of
 * numfmt.c's layout code. */
static void python_layout(const struct canon *c, int negative, char *out)
{
	int n = (int)strlen(c->digits);
	int x = c->exp - 1;	/* exponent of the leading digit */
	char *p = out;
	if (negative)
		*p++ = '-';
	if (x >= -4 && x < 16) {
		if (c->exp <= 0)
			sprintf(p, "0.%.*s%s", -c->exp, "0000", c->digits);
		else if (c->exp >= n)
			sprintf(p, "%s%.*s.0", c->digits, c->exp - n,
				"000000000000000");
		else
			sprintf(p, "%.*s.%s", c->exp, c->digits,
				c->digits + c->exp);
	} else {
		sprintf(p, "%c%s%se%+03d", c->digits[0], n > 1 ? "." : "",
			c->digits + 1, x);
	}
}

/* ---- the printf-loop reference --------------------------------------------- */

static int double_roundtrips(double v, int n, char *buf)
{
	snprintf(buf, 64, "%.*e", n - 1, v);
	double back = strtod(buf, NULL);
	return bits_of_double(back) == bits_of_double(v);
}

static int float_roundtrips(float v, int n, char *buf)
{
	snprintf(buf, 64, "%.*e", n - 1, (double)v);
	float back = strtof(buf, NULL);
	return bits_of_float(back) == bits_of_float(v);
}

/* The printf loop: the smallest n whose printf("%.{n-1}e") reads back, left
 * in buf.  When the rounding interval is symmetric, reading back is monotonic
 * in n (the correctly rounded n+1 digits are at least as close), so the loop
 * stops at hint exactly when hint reads back and hint - 1 does not: two
 * conversions instead of up to 17. */
static int printf_shortest(double dv, float fv, int is_float, int hint,
			   char *buf)
{
	int max_digits = is_float ? 9 : 17;
	int symmetric;
	if (is_float) {
		uint32_t b = bits_of_float(fv);
		symmetric = (b & 0x7fffff) != 0 || ((b >> 23) & 0xff) <= 1;
	} else {
		uint64_t b = bits_of_double(dv);
		symmetric = (b & ((UINT64_C(1) << 52) - 1)) != 0 ||
			    ((b >> 52) & 0x7ff) <= 1;
	}
	char tmp[64];
	if (symmetric && hint >= 1 && hint <= max_digits &&
	    (is_float ? float_roundtrips(fv, hint, buf)
		      : double_roundtrips(dv, hint, buf))) {
		if (hint == 1 || !(is_float ? float_roundtrips(fv, hint - 1, tmp)
					    : double_roundtrips(dv, hint - 1, tmp)))
			return hint;
	}
	for (int n = 1; n <= max_digits; n++)
		if (is_float ? float_roundtrips(fv, n, buf)
			     : double_roundtrips(dv, n, buf))
			return n;
	return -1;
}

/* The full check of one finite value: well formed, reads back, as short as
 * the printf loop and with the same (closest) digits, laid out like repr(). */
static void check_value(struct stats *st, double dv, float fv, int is_float)
{
	char got[NUMFMT_MAX + 16], ref[64], want[64];
	double shown = is_float ? (double)fv : dv;

	memset(got, 'X', sizeof got);
	int len = is_float ? fmt_float(fv, got) : fmt_double(dv, got);
	st->checks++;
	if (len < 0 || len >= NUMFMT_MAX || got[len] != '\0' ||
	    (int)strlen(got) != len) {
		got[sizeof got - 1] = '\0';
		report(st, "length", shown, got, "a NUL at the returned length");
		return;
	}
	if (!isfinite(shown)) {	/* from overflowing inputs: Inf, -Inf */
		const char *want_special = isnan(shown) ? "NaN"
					   : shown < 0 ? "-Inf" : "Inf";
		if (strcmp(got, want_special) != 0)
			report(st, "non-finite", shown, got, want_special);
		return;
	}
	int back_ok = is_float
		? bits_of_float(strtof(got, NULL)) == bits_of_float(fv)
		: bits_of_double(strtod(got, NULL)) == bits_of_double(dv);
	if (!back_ok) {
		report(st, "round trip", shown, got, "the same value");
		return;
	}
	struct canon mine, theirs;
	if (canonical(got, &mine) != 0) {
		report(st, "syntax", shown, got, "a decimal number");
		return;
	}
	int n = (int)strlen(mine.digits);
	if (n == 0) {	/* zero */
		python_layout(&(struct canon){ "0", 1 }, signbit(shown) != 0, want);
		if (strcmp(got, want) != 0)
			report(st, "zero", shown, got, want);
		return;
	}
	int ref_n = printf_shortest(dv, fv, is_float, n, ref);
	if (ref_n < 0 || canonical(ref, &theirs) != 0) {
		report(st, "reference", shown, got, "a printf-loop result");
		return;
	}
	if (n > ref_n) {
		report(st, "shortest", shown, got, ref);
		return;
	}
	if (n < ref_n) {
		/* Fine only at a power of two, where the interval is lopsided
		 * and the correctly rounded digits can miss it while other
		 * digits of that length hit it (they read back: checked). */
		int pow2 = is_float ? (bits_of_float(fv) & 0x7fffff) == 0
				    : (bits_of_double(dv) & ((UINT64_C(1) << 52) - 1)) == 0;
		if (!pow2)
			report(st, "shorter than printf?", shown, got, ref);
		st->beat_printf++;
	} else if (strcmp(mine.digits, theirs.digits) != 0 ||
		   mine.exp != theirs.exp) {
		report(st, "closest", shown, got, ref);
		return;
	}
	python_layout(&mine, signbit(shown) != 0, want);
	if (strcmp(got, want) != 0)
		report(st, "layout", shown, got, want);
}

static void check_double(struct stats *st, double v)
{
	check_value(st, v, 0, 0);
}

static void check_float(struct stats *st, float v)
{
	check_value(st, 0, v, 1);
}

static void check_exact(struct stats *st, const char *what, double v,
			const char *got, int len, const char *want)
{
	st->checks++;
	if (strcmp(got, want) != 0 || len != (int)strlen(got))
		report(st, what, v, got, want);
}

/* ---- the test groups --------------------------------------------------------- */

static void test_known_strings(struct stats *st)
{
	char buf[NUMFMT_MAX];
	int len;

	for (size_t i = 0; i < sizeof python_doubles / sizeof *python_doubles; i++) {
		len = fmt_double(python_doubles[i].value, buf);
		check_exact(st, "python repr", python_doubles[i].value, buf, len,
			    python_doubles[i].repr);
		check_double(st, python_doubles[i].value);
	}
	for (size_t i = 0; i < sizeof python_floats / sizeof *python_floats; i++) {
		len = fmt_float(python_floats[i].value, buf);
		check_exact(st, "numpy float32 repr", python_floats[i].value, buf,
			    len, python_floats[i].repr);
		check_float(st, python_floats[i].value);
	}

	static const struct double_case specials[] = {
		{ 0.0, "0.0" }, { -0.0, "-0.0" }, { 1.0, "1.0" }, { -1.0, "-1.0" },
		{ 0.1, "0.1" }, { 0.3, "0.3" }, { 1.0 / 3, "0.3333333333333333" },
		{ 5e-324, "5e-324" }, { 9007199254740993.0, "9007199254740992.0" },
		{ 1e23, "1e+23" }, { 0x1p-1074, "5e-324" },
		{ 0x0.fffffffffffffp-1022, "2.225073858507201e-308" },
		{ DBL_MIN, "2.2250738585072014e-308" },
		{ DBL_MAX, "1.7976931348623157e+308" },
		{ 0x1p53, "9007199254740992.0" }, { 1e16, "1e+16" },
		{ 1234567890123456.0, "1234567890123456.0" },
		{ 0.0001, "0.0001" }, { 1.5e-5, "1.5e-05" }, { 1e-7, "1e-07" },
		{ 2.5e100, "2.5e+100" }, { 123.0, "123.0" }, { 1.5, "1.5" },
		{ INFINITY, "Inf" }, { -INFINITY, "-Inf" }, { NAN, "NaN" },
		{ -NAN, "NaN" },
	};
	for (size_t i = 0; i < sizeof specials / sizeof *specials; i++) {
		len = fmt_double(specials[i].value, buf);
		check_exact(st, "special", specials[i].value, buf, len,
			    specials[i].repr);
	}
	static const struct float_case float_specials[] = {
		{ 0.0f, "0.0" }, { -0.0f, "-0.0" }, { 0.1f, "0.1" },
		{ 16777216.0f, "16777216.0" }, { 16777217.0f, "16777216.0" },
		{ FLT_MIN, "1.1754944e-38" }, { FLT_MAX, "3.4028235e+38" },
		{ 0x1p-149f, "1e-45" }, { 0x0.fffffep-126f, "1.1754942e-38" },
		{ 1e16f, "1e+16" }, { 1e-5f, "1e-05" }, { 1.0f / 3, "0.33333334" },
		{ INFINITY, "Inf" }, { -INFINITY, "-Inf" }, { NAN, "NaN" },
	};
	for (size_t i = 0; i < sizeof float_specials / sizeof *float_specials; i++) {
		len = fmt_float(float_specials[i].value, buf);
		check_exact(st, "float special", float_specials[i].value, buf,
			    len, float_specials[i].repr);
	}
}

static void test_powers_and_integers(struct stats *st)
{
	char text[64], buf[NUMFMT_MAX], want[64];

	/* 1e-323 .. 1e308 and 1e-45 .. 1e38: one significant digit */
	for (int e = -323; e <= 308; e++) {
		snprintf(text, sizeof text, "1e%d", e);
		double v = strtod(text, NULL);
		int len = fmt_double(v, buf);
		python_layout(&(struct canon){ "1", e + 1 }, 0, want);
		check_exact(st, "power of ten", v, buf, len, want);
		check_double(st, v);
		check_double(st, -v);
		check_double(st, nextafter(v, 0));
		check_double(st, nextafter(v, INFINITY));
		if (e >= -45 && e <= 38) {
			float f = strtof(text, NULL);
			len = fmt_float(f, buf);
			check_exact(st, "float power of ten", f, buf, len, want);
			check_float(st, nextafterf(f, 0));
			check_float(st, nextafterf(f, INFINITY));
		}
	}
	/* powers of two, with their neighbours: the lopsided intervals */
	for (int e = -1074; e <= 1023; e++) {
		double v = ldexp(1, e);
		check_double(st, v);
		check_double(st, nextafter(v, 0));
		check_double(st, nextafter(v, INFINITY));
	}
	for (int e = -149; e <= 127; e++) {
		float f = ldexpf(1, e);
		check_float(st, f);
		check_float(st, nextafterf(f, 0));
		check_float(st, nextafterf(f, INFINITY));
	}
	/* integers: exact below 1e16, "N.0" */
	for (int64_t i = -100000; i <= 100000; i++) {
		snprintf(want, sizeof want, "%" PRId64 ".0", i);
		if (i == 0)
			continue;
		int len = fmt_double((double)i, buf);
		check_exact(st, "integer", (double)i, buf, len, want);
		len = fmt_float((float)i, buf);
		check_exact(st, "float integer", (double)i, buf, len, want);
	}
	uint64_t state = 42;
	for (int i = 0; i < 100000; i++) {
		uint64_t r = next_random(&state) >> (next_random(&state) % 64);
		double v = (double)r;
		if (r < (UINT64_C(1) << 53) && v < 1e16) {
			snprintf(want, sizeof want, "%" PRIu64 ".0", r);
			int len = fmt_double(v, buf);
			check_exact(st, "integer", v, buf, len, want);
		} else {
			check_double(st, v);
		}
	}
	for (int e = 0; e <= 64; e++) {
		check_double(st, ldexp(1, e) - 1);
		check_double(st, ldexp(1, e) + 1);
		check_double(st, ldexp(1, e) + 2);
	}
}

static void test_subnormals(struct stats *st)
{
	for (uint64_t c = 1; c <= 20000; c++) {
		check_double(st, double_from_bits(c));
		check_double(st, double_from_bits((UINT64_C(1) << 52) - c));
		check_double(st, double_from_bits((UINT64_C(1) << 52) + c - 1));
		check_float(st, float_from_bits((uint32_t)c));
		check_float(st, float_from_bits((UINT32_C(1) << 23) - (uint32_t)c));
	}
}

/* Values with few significant bits: exact decimal midpoints (ties between
 * two shortest candidates) live here, e.g. 2049 / 2^20. */
static void test_short_binary(struct stats *st, long count)
{
	uint64_t state = 7;
	for (long i = 0; i < count; i++) {
		int bits = 1 + (int)(next_random(&state) % 53);
		uint64_t m = (next_random(&state) >> (64 - bits)) | 1;
		int shift = (int)(next_random(&state) % 200) - 150;
		check_double(st, ldexp((double)m, shift));
		if (bits <= 24)
			check_float(st, ldexpf((float)m, shift / 2));
	}
}

/* Values read from short decimals: the shortest answer is that decimal. */
static void test_short_decimals(struct stats *st, long count)
{
	uint64_t state = 11;
	char text[64];
	for (long i = 0; i < count; i++) {
		int digits = 1 + (int)(next_random(&state) % 17);
		uint64_t mantissa = next_random(&state) % UINT64_C(100000000000000000);
		int e = (int)(next_random(&state) % 640) - 330;
		snprintf(text, sizeof text, "%.*" PRIu64 "e%d", digits,
			 mantissa, e);
		check_double(st, strtod(text, NULL));
		if (digits <= 9)
			check_float(st, strtof(text, NULL));
	}
}

static void test_random_bits(struct stats *st, long count)
{
	uint64_t state = 12345;
	long done_d = 0, done_f = 0;
	while (done_d < count || done_f < count) {
		uint64_t r = next_random(&state);
		double v = double_from_bits(r);
		float f = float_from_bits((uint32_t)r);
		if (done_d < count && isfinite(v)) {
			check_double(st, v);
			done_d++;
		}
		if (done_f < count && isfinite(f)) {
			check_float(st, f);
			done_f++;
		}
	}
}

static void test_integers(struct stats *st)
{
	char buf[NUMFMT_MAX], want[64];
	static const int64_t fixed[] = {
		0, 1, -1, 9, 10, 99, 100, -100, 12345, INT32_MAX, INT32_MIN,
		INT64_MAX, INT64_MIN, INT64_MIN + 1, 999999999999999999,
		1000000000000000000, -999999999999999999,
	};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
		snprintf(want, sizeof want, "%" PRId64, fixed[i]);
		int len = fmt_i64(fixed[i], buf);
		check_exact(st, "i64", (double)fixed[i], buf, len, want);
	}
	uint64_t p = 1;
	for (int i = 0; i < 20; i++, p *= 10) {
		uint64_t near[] = { p - 1, p, p + 1 };
		for (int j = 0; j < 3; j++) {
			snprintf(want, sizeof want, "%" PRIu64, near[j]);
			int len = fmt_u64(near[j], buf);
			check_exact(st, "u64", (double)near[j], buf, len, want);
		}
	}
	snprintf(want, sizeof want, "%" PRIu64, UINT64_MAX);
	int len = fmt_u64(UINT64_MAX, buf);
	check_exact(st, "u64", (double)UINT64_MAX, buf, len, want);

	uint64_t state = 99;
	for (int i = 0; i < 200000; i++) {
		uint64_t r = next_random(&state) >> (next_random(&state) % 64);
		snprintf(want, sizeof want, "%" PRIu64, r);
		len = fmt_u64(r, buf);
		check_exact(st, "u64", (double)r, buf, len, want);
		snprintf(want, sizeof want, "%" PRId64, (int64_t)r);
		len = fmt_i64((int64_t)r, buf);
		check_exact(st, "i64", (double)r, buf, len, want);
	}
}

/* ---- outside the suite --------------------------------------------------------- */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int bench(void)
{
	enum { N = 1 << 20, ROUNDS = 5 };
	double *dv = malloc(N * sizeof *dv), *dshort = malloc(N * sizeof *dshort);
	float *fv = malloc(N * sizeof *fv);
	int64_t *iv = malloc(N * sizeof *iv);
	if (!dv || !dshort || !fv || !iv)
		return 1;
	uint64_t state = 1;
	for (int i = 0; i < N;) {
		uint64_t r = next_random(&state);
		dv[i] = double_from_bits(r);
		fv[i] = float_from_bits((uint32_t)r);
		if (isfinite(dv[i]) && isfinite(fv[i]))
			i++;
	}
	char text[64], buf[64];
	for (int i = 0; i < N; i++) {	/* table-like data: 6 digits */
		snprintf(text, sizeof text, "%.5e",
			 (double)(next_random(&state) % 1000000) / 1000 - 500);
		dshort[i] = strtod(text, NULL);
		iv[i] = (int64_t)next_random(&state) >> (next_random(&state) % 64);
	}

	long sink = 0;
	double t;
#define TIME(label, count, expr)                                              \
	t = now_ns();                                                         \
	for (int r = 0; r < ROUNDS; r++)                                      \
		for (int i = 0; i < (count); i++)                             \
			sink += (expr);                                       \
	printf("%-32s %7.1f ns\n", label, (now_ns() - t) / ((double)(count) * ROUNDS));

	TIME("fmt_double, random bits", N, fmt_double(dv[i], buf));
	TIME("fmt_double, 6-digit values", N, fmt_double(dshort[i], buf));
	TIME("fmt_float, random bits", N, fmt_float(fv[i], buf));
	TIME("fmt_i64, random widths", N, fmt_i64(iv[i], buf));
	TIME("%.17g, random bits", N / 8, snprintf(buf, sizeof buf, "%.17g", dv[i]));
	TIME("%.17g, 6-digit values", N / 8, snprintf(buf, sizeof buf, "%.17g", dshort[i]));
	TIME("%.9g float, random bits", N / 8, snprintf(buf, sizeof buf, "%.9g", (double)fv[i]));
	TIME("%lld, random widths", N / 8, snprintf(buf, sizeof buf, "%" PRId64, iv[i]));
#undef TIME
	free(dv);
	free(dshort);
	free(fv);
	free(iv);
	return sink == 42;	/* keep the work from being optimized away */
}

/* Every float from first to last (hex bit patterns; the positive ones, each
 * negative one is checked as "-" followed by its positive twin). */
static int all_floats(uint32_t first, uint32_t last)
{
	struct stats st = { 0, 0, 0 };
	char pos[NUMFMT_MAX], neg[NUMFMT_MAX];
	long twins_bad = 0;
	for (uint64_t b = first; b <= last; b++) {
		float f = float_from_bits((uint32_t)b);
		if (isfinite(f))
			check_float(&st, f);
		int lp = fmt_float(f, pos);
		int ln = fmt_float(-f, neg);
		if (isnan(f) ? strcmp(neg, "NaN") != 0
			     : (ln != lp + 1 || neg[0] != '-' || strcmp(neg + 1, pos) != 0))
			twins_bad++;
		if ((b & 0xfffffff) == 0xfffffff)
			fprintf(stderr, "all-floats: up to %08" PRIx64 ", %ld failures\n",
				b, st.failures);
	}
	printf("all-floats %08" PRIx32 "..%08" PRIx32 ": %ld checked, %ld failures, "
	       "%ld bad negative twins, %ld shorter than printf\n",
	       first, last, st.checks, st.failures, twins_bad, st.beat_printf);
	return st.failures || twins_bad;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--bench") == 0)
		return bench();
	if (argc > 1 && strcmp(argv[1], "--all-floats") == 0) {
		uint32_t first = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 16) : 0;
		uint32_t last = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 16) : 0x7fffffff;
		return all_floats(first, last);
	}

	long random_count = getenv("VT_ASAN") ? 100000 : 2000000;
	if (getenv("NUMFMT_RANDOM"))
		random_count = atol(getenv("NUMFMT_RANDOM"));

	struct stats st = { 0, 0, 0 };
	test_known_strings(&st);
	test_powers_and_integers(&st);
	test_subnormals(&st);
	test_short_binary(&st, random_count / 10);
	test_short_decimals(&st, random_count / 10);
	test_random_bits(&st, random_count);
	test_integers(&st);

	printf("numfmt: %ld checks, %ld failures (%ld random doubles and floats each,"
	       " %ld shorter than the printf loop)\n",
	       st.checks, st.failures, random_count, st.beat_printf);
	return st.failures != 0;
}
