/**
 * pdf.js' predefined CMaps (packed .bcmap), bundled as Data modules: a Worker has no files to read
 * and must not fetch them, and without them CJK text that uses a predefined CMap is silently lost.
 * Generated from pdfjs-dist/cmaps (the pdf.js version unpdf builds); regenerate when that changes:
 *   node adapters/cloudflare/scripts/gen-cmaps.mjs
 */
import c0 from 'pdfjs-dist/cmaps/78-EUC-H.bcmap';
import c1 from 'pdfjs-dist/cmaps/78-EUC-V.bcmap';
import c2 from 'pdfjs-dist/cmaps/78-H.bcmap';
import c3 from 'pdfjs-dist/cmaps/78-RKSJ-H.bcmap';
import c4 from 'pdfjs-dist/cmaps/78-RKSJ-V.bcmap';
import c5 from 'pdfjs-dist/cmaps/78-V.bcmap';
import c6 from 'pdfjs-dist/cmaps/78ms-RKSJ-H.bcmap';
import c7 from 'pdfjs-dist/cmaps/78ms-RKSJ-V.bcmap';
import c8 from 'pdfjs-dist/cmaps/83pv-RKSJ-H.bcmap';
import c9 from 'pdfjs-dist/cmaps/90ms-RKSJ-H.bcmap';
import c10 from 'pdfjs-dist/cmaps/90ms-RKSJ-V.bcmap';
import c11 from 'pdfjs-dist/cmaps/90msp-RKSJ-H.bcmap';
import c12 from 'pdfjs-dist/cmaps/90msp-RKSJ-V.bcmap';
import c13 from 'pdfjs-dist/cmaps/90pv-RKSJ-H.bcmap';
import c14 from 'pdfjs-dist/cmaps/90pv-RKSJ-V.bcmap';
import c15 from 'pdfjs-dist/cmaps/Add-H.bcmap';
import c16 from 'pdfjs-dist/cmaps/Add-RKSJ-H.bcmap';
import c17 from 'pdfjs-dist/cmaps/Add-RKSJ-V.bcmap';
import c18 from 'pdfjs-dist/cmaps/Add-V.bcmap';
import c19 from 'pdfjs-dist/cmaps/Adobe-CNS1-0.bcmap';
import c20 from 'pdfjs-dist/cmaps/Adobe-CNS1-1.bcmap';
import c21 from 'pdfjs-dist/cmaps/Adobe-CNS1-2.bcmap';
import c22 from 'pdfjs-dist/cmaps/Adobe-CNS1-3.bcmap';
import c23 from 'pdfjs-dist/cmaps/Adobe-CNS1-4.bcmap';
import c24 from 'pdfjs-dist/cmaps/Adobe-CNS1-5.bcmap';
import c25 from 'pdfjs-dist/cmaps/Adobe-CNS1-6.bcmap';
import c26 from 'pdfjs-dist/cmaps/Adobe-CNS1-UCS2.bcmap';
import c27 from 'pdfjs-dist/cmaps/Adobe-GB1-0.bcmap';
import c28 from 'pdfjs-dist/cmaps/Adobe-GB1-1.bcmap';
import c29 from 'pdfjs-dist/cmaps/Adobe-GB1-2.bcmap';
import c30 from 'pdfjs-dist/cmaps/Adobe-GB1-3.bcmap';
import c31 from 'pdfjs-dist/cmaps/Adobe-GB1-4.bcmap';
import c32 from 'pdfjs-dist/cmaps/Adobe-GB1-5.bcmap';
import c33 from 'pdfjs-dist/cmaps/Adobe-GB1-UCS2.bcmap';
import c34 from 'pdfjs-dist/cmaps/Adobe-Japan1-0.bcmap';
import c35 from 'pdfjs-dist/cmaps/Adobe-Japan1-1.bcmap';
import c36 from 'pdfjs-dist/cmaps/Adobe-Japan1-2.bcmap';
import c37 from 'pdfjs-dist/cmaps/Adobe-Japan1-3.bcmap';
import c38 from 'pdfjs-dist/cmaps/Adobe-Japan1-4.bcmap';
import c39 from 'pdfjs-dist/cmaps/Adobe-Japan1-5.bcmap';
import c40 from 'pdfjs-dist/cmaps/Adobe-Japan1-6.bcmap';
import c41 from 'pdfjs-dist/cmaps/Adobe-Japan1-UCS2.bcmap';
import c42 from 'pdfjs-dist/cmaps/Adobe-Korea1-0.bcmap';
import c43 from 'pdfjs-dist/cmaps/Adobe-Korea1-1.bcmap';
import c44 from 'pdfjs-dist/cmaps/Adobe-Korea1-2.bcmap';
import c45 from 'pdfjs-dist/cmaps/Adobe-Korea1-UCS2.bcmap';
import c46 from 'pdfjs-dist/cmaps/B5-H.bcmap';
import c47 from 'pdfjs-dist/cmaps/B5-V.bcmap';
import c48 from 'pdfjs-dist/cmaps/B5pc-H.bcmap';
import c49 from 'pdfjs-dist/cmaps/B5pc-V.bcmap';
import c50 from 'pdfjs-dist/cmaps/CNS-EUC-H.bcmap';
import c51 from 'pdfjs-dist/cmaps/CNS-EUC-V.bcmap';
import c52 from 'pdfjs-dist/cmaps/CNS1-H.bcmap';
import c53 from 'pdfjs-dist/cmaps/CNS1-V.bcmap';
import c54 from 'pdfjs-dist/cmaps/CNS2-H.bcmap';
import c55 from 'pdfjs-dist/cmaps/CNS2-V.bcmap';
import c56 from 'pdfjs-dist/cmaps/ETHK-B5-H.bcmap';
import c57 from 'pdfjs-dist/cmaps/ETHK-B5-V.bcmap';
import c58 from 'pdfjs-dist/cmaps/ETen-B5-H.bcmap';
import c59 from 'pdfjs-dist/cmaps/ETen-B5-V.bcmap';
import c60 from 'pdfjs-dist/cmaps/ETenms-B5-H.bcmap';
import c61 from 'pdfjs-dist/cmaps/ETenms-B5-V.bcmap';
import c62 from 'pdfjs-dist/cmaps/EUC-H.bcmap';
import c63 from 'pdfjs-dist/cmaps/EUC-V.bcmap';
import c64 from 'pdfjs-dist/cmaps/Ext-H.bcmap';
import c65 from 'pdfjs-dist/cmaps/Ext-RKSJ-H.bcmap';
import c66 from 'pdfjs-dist/cmaps/Ext-RKSJ-V.bcmap';
import c67 from 'pdfjs-dist/cmaps/Ext-V.bcmap';
import c68 from 'pdfjs-dist/cmaps/GB-EUC-H.bcmap';
import c69 from 'pdfjs-dist/cmaps/GB-EUC-V.bcmap';
import c70 from 'pdfjs-dist/cmaps/GB-H.bcmap';
import c71 from 'pdfjs-dist/cmaps/GB-V.bcmap';
import c72 from 'pdfjs-dist/cmaps/GBK-EUC-H.bcmap';
import c73 from 'pdfjs-dist/cmaps/GBK-EUC-V.bcmap';
import c74 from 'pdfjs-dist/cmaps/GBK2K-H.bcmap';
import c75 from 'pdfjs-dist/cmaps/GBK2K-V.bcmap';
import c76 from 'pdfjs-dist/cmaps/GBKp-EUC-H.bcmap';
import c77 from 'pdfjs-dist/cmaps/GBKp-EUC-V.bcmap';
import c78 from 'pdfjs-dist/cmaps/GBT-EUC-H.bcmap';
import c79 from 'pdfjs-dist/cmaps/GBT-EUC-V.bcmap';
import c80 from 'pdfjs-dist/cmaps/GBT-H.bcmap';
import c81 from 'pdfjs-dist/cmaps/GBT-V.bcmap';
import c82 from 'pdfjs-dist/cmaps/GBTpc-EUC-H.bcmap';
import c83 from 'pdfjs-dist/cmaps/GBTpc-EUC-V.bcmap';
import c84 from 'pdfjs-dist/cmaps/GBpc-EUC-H.bcmap';
import c85 from 'pdfjs-dist/cmaps/GBpc-EUC-V.bcmap';
import c86 from 'pdfjs-dist/cmaps/H.bcmap';
import c87 from 'pdfjs-dist/cmaps/HKdla-B5-H.bcmap';
import c88 from 'pdfjs-dist/cmaps/HKdla-B5-V.bcmap';
import c89 from 'pdfjs-dist/cmaps/HKdlb-B5-H.bcmap';
import c90 from 'pdfjs-dist/cmaps/HKdlb-B5-V.bcmap';
import c91 from 'pdfjs-dist/cmaps/HKgccs-B5-H.bcmap';
import c92 from 'pdfjs-dist/cmaps/HKgccs-B5-V.bcmap';
import c93 from 'pdfjs-dist/cmaps/HKm314-B5-H.bcmap';
import c94 from 'pdfjs-dist/cmaps/HKm314-B5-V.bcmap';
import c95 from 'pdfjs-dist/cmaps/HKm471-B5-H.bcmap';
import c96 from 'pdfjs-dist/cmaps/HKm471-B5-V.bcmap';
import c97 from 'pdfjs-dist/cmaps/HKscs-B5-H.bcmap';
import c98 from 'pdfjs-dist/cmaps/HKscs-B5-V.bcmap';
import c99 from 'pdfjs-dist/cmaps/Hankaku.bcmap';
import c100 from 'pdfjs-dist/cmaps/Hiragana.bcmap';
import c101 from 'pdfjs-dist/cmaps/KSC-EUC-H.bcmap';
import c102 from 'pdfjs-dist/cmaps/KSC-EUC-V.bcmap';
import c103 from 'pdfjs-dist/cmaps/KSC-H.bcmap';
import c104 from 'pdfjs-dist/cmaps/KSC-Johab-H.bcmap';
import c105 from 'pdfjs-dist/cmaps/KSC-Johab-V.bcmap';
import c106 from 'pdfjs-dist/cmaps/KSC-V.bcmap';
import c107 from 'pdfjs-dist/cmaps/KSCms-UHC-H.bcmap';
import c108 from 'pdfjs-dist/cmaps/KSCms-UHC-HW-H.bcmap';
import c109 from 'pdfjs-dist/cmaps/KSCms-UHC-HW-V.bcmap';
import c110 from 'pdfjs-dist/cmaps/KSCms-UHC-V.bcmap';
import c111 from 'pdfjs-dist/cmaps/KSCpc-EUC-H.bcmap';
import c112 from 'pdfjs-dist/cmaps/KSCpc-EUC-V.bcmap';
import c113 from 'pdfjs-dist/cmaps/Katakana.bcmap';
import c114 from 'pdfjs-dist/cmaps/NWP-H.bcmap';
import c115 from 'pdfjs-dist/cmaps/NWP-V.bcmap';
import c116 from 'pdfjs-dist/cmaps/RKSJ-H.bcmap';
import c117 from 'pdfjs-dist/cmaps/RKSJ-V.bcmap';
import c118 from 'pdfjs-dist/cmaps/Roman.bcmap';
import c119 from 'pdfjs-dist/cmaps/UniCNS-UCS2-H.bcmap';
import c120 from 'pdfjs-dist/cmaps/UniCNS-UCS2-V.bcmap';
import c121 from 'pdfjs-dist/cmaps/UniCNS-UTF16-H.bcmap';
import c122 from 'pdfjs-dist/cmaps/UniCNS-UTF16-V.bcmap';
import c123 from 'pdfjs-dist/cmaps/UniCNS-UTF32-H.bcmap';
import c124 from 'pdfjs-dist/cmaps/UniCNS-UTF32-V.bcmap';
import c125 from 'pdfjs-dist/cmaps/UniCNS-UTF8-H.bcmap';
import c126 from 'pdfjs-dist/cmaps/UniCNS-UTF8-V.bcmap';
import c127 from 'pdfjs-dist/cmaps/UniGB-UCS2-H.bcmap';
import c128 from 'pdfjs-dist/cmaps/UniGB-UCS2-V.bcmap';
import c129 from 'pdfjs-dist/cmaps/UniGB-UTF16-H.bcmap';
import c130 from 'pdfjs-dist/cmaps/UniGB-UTF16-V.bcmap';
import c131 from 'pdfjs-dist/cmaps/UniGB-UTF32-H.bcmap';
import c132 from 'pdfjs-dist/cmaps/UniGB-UTF32-V.bcmap';
import c133 from 'pdfjs-dist/cmaps/UniGB-UTF8-H.bcmap';
import c134 from 'pdfjs-dist/cmaps/UniGB-UTF8-V.bcmap';
import c135 from 'pdfjs-dist/cmaps/UniJIS-UCS2-H.bcmap';
import c136 from 'pdfjs-dist/cmaps/UniJIS-UCS2-HW-H.bcmap';
import c137 from 'pdfjs-dist/cmaps/UniJIS-UCS2-HW-V.bcmap';
import c138 from 'pdfjs-dist/cmaps/UniJIS-UCS2-V.bcmap';
import c139 from 'pdfjs-dist/cmaps/UniJIS-UTF16-H.bcmap';
import c140 from 'pdfjs-dist/cmaps/UniJIS-UTF16-V.bcmap';
import c141 from 'pdfjs-dist/cmaps/UniJIS-UTF32-H.bcmap';
import c142 from 'pdfjs-dist/cmaps/UniJIS-UTF32-V.bcmap';
import c143 from 'pdfjs-dist/cmaps/UniJIS-UTF8-H.bcmap';
import c144 from 'pdfjs-dist/cmaps/UniJIS-UTF8-V.bcmap';
import c145 from 'pdfjs-dist/cmaps/UniJIS2004-UTF16-H.bcmap';
import c146 from 'pdfjs-dist/cmaps/UniJIS2004-UTF16-V.bcmap';
import c147 from 'pdfjs-dist/cmaps/UniJIS2004-UTF32-H.bcmap';
import c148 from 'pdfjs-dist/cmaps/UniJIS2004-UTF32-V.bcmap';
import c149 from 'pdfjs-dist/cmaps/UniJIS2004-UTF8-H.bcmap';
import c150 from 'pdfjs-dist/cmaps/UniJIS2004-UTF8-V.bcmap';
import c151 from 'pdfjs-dist/cmaps/UniJISPro-UCS2-HW-V.bcmap';
import c152 from 'pdfjs-dist/cmaps/UniJISPro-UCS2-V.bcmap';
import c153 from 'pdfjs-dist/cmaps/UniJISPro-UTF8-V.bcmap';
import c154 from 'pdfjs-dist/cmaps/UniJISX0213-UTF32-H.bcmap';
import c155 from 'pdfjs-dist/cmaps/UniJISX0213-UTF32-V.bcmap';
import c156 from 'pdfjs-dist/cmaps/UniJISX02132004-UTF32-H.bcmap';
import c157 from 'pdfjs-dist/cmaps/UniJISX02132004-UTF32-V.bcmap';
import c158 from 'pdfjs-dist/cmaps/UniKS-UCS2-H.bcmap';
import c159 from 'pdfjs-dist/cmaps/UniKS-UCS2-V.bcmap';
import c160 from 'pdfjs-dist/cmaps/UniKS-UTF16-H.bcmap';
import c161 from 'pdfjs-dist/cmaps/UniKS-UTF16-V.bcmap';
import c162 from 'pdfjs-dist/cmaps/UniKS-UTF32-H.bcmap';
import c163 from 'pdfjs-dist/cmaps/UniKS-UTF32-V.bcmap';
import c164 from 'pdfjs-dist/cmaps/UniKS-UTF8-H.bcmap';
import c165 from 'pdfjs-dist/cmaps/UniKS-UTF8-V.bcmap';
import c166 from 'pdfjs-dist/cmaps/V.bcmap';
import c167 from 'pdfjs-dist/cmaps/WP-Symbol.bcmap';

export const CMAPS: Record<string, ArrayBuffer> = {
  "78-EUC-H": c0,
  "78-EUC-V": c1,
  "78-H": c2,
  "78-RKSJ-H": c3,
  "78-RKSJ-V": c4,
  "78-V": c5,
  "78ms-RKSJ-H": c6,
  "78ms-RKSJ-V": c7,
  "83pv-RKSJ-H": c8,
  "90ms-RKSJ-H": c9,
  "90ms-RKSJ-V": c10,
  "90msp-RKSJ-H": c11,
  "90msp-RKSJ-V": c12,
  "90pv-RKSJ-H": c13,
  "90pv-RKSJ-V": c14,
  "Add-H": c15,
  "Add-RKSJ-H": c16,
  "Add-RKSJ-V": c17,
  "Add-V": c18,
  "Adobe-CNS1-0": c19,
  "Adobe-CNS1-1": c20,
  "Adobe-CNS1-2": c21,
  "Adobe-CNS1-3": c22,
  "Adobe-CNS1-4": c23,
  "Adobe-CNS1-5": c24,
  "Adobe-CNS1-6": c25,
  "Adobe-CNS1-UCS2": c26,
  "Adobe-GB1-0": c27,
  "Adobe-GB1-1": c28,
  "Adobe-GB1-2": c29,
  "Adobe-GB1-3": c30,
  "Adobe-GB1-4": c31,
  "Adobe-GB1-5": c32,
  "Adobe-GB1-UCS2": c33,
  "Adobe-Japan1-0": c34,
  "Adobe-Japan1-1": c35,
  "Adobe-Japan1-2": c36,
  "Adobe-Japan1-3": c37,
  "Adobe-Japan1-4": c38,
  "Adobe-Japan1-5": c39,
  "Adobe-Japan1-6": c40,
  "Adobe-Japan1-UCS2": c41,
  "Adobe-Korea1-0": c42,
  "Adobe-Korea1-1": c43,
  "Adobe-Korea1-2": c44,
  "Adobe-Korea1-UCS2": c45,
  "B5-H": c46,
  "B5-V": c47,
  "B5pc-H": c48,
  "B5pc-V": c49,
  "CNS-EUC-H": c50,
  "CNS-EUC-V": c51,
  "CNS1-H": c52,
  "CNS1-V": c53,
  "CNS2-H": c54,
  "CNS2-V": c55,
  "ETHK-B5-H": c56,
  "ETHK-B5-V": c57,
  "ETen-B5-H": c58,
  "ETen-B5-V": c59,
  "ETenms-B5-H": c60,
  "ETenms-B5-V": c61,
  "EUC-H": c62,
  "EUC-V": c63,
  "Ext-H": c64,
  "Ext-RKSJ-H": c65,
  "Ext-RKSJ-V": c66,
  "Ext-V": c67,
  "GB-EUC-H": c68,
  "GB-EUC-V": c69,
  "GB-H": c70,
  "GB-V": c71,
  "GBK-EUC-H": c72,
  "GBK-EUC-V": c73,
  "GBK2K-H": c74,
  "GBK2K-V": c75,
  "GBKp-EUC-H": c76,
  "GBKp-EUC-V": c77,
  "GBT-EUC-H": c78,
  "GBT-EUC-V": c79,
  "GBT-H": c80,
  "GBT-V": c81,
  "GBTpc-EUC-H": c82,
  "GBTpc-EUC-V": c83,
  "GBpc-EUC-H": c84,
  "GBpc-EUC-V": c85,
  "H": c86,
  "HKdla-B5-H": c87,
  "HKdla-B5-V": c88,
  "HKdlb-B5-H": c89,
  "HKdlb-B5-V": c90,
  "HKgccs-B5-H": c91,
  "HKgccs-B5-V": c92,
  "HKm314-B5-H": c93,
  "HKm314-B5-V": c94,
  "HKm471-B5-H": c95,
  "HKm471-B5-V": c96,
  "HKscs-B5-H": c97,
  "HKscs-B5-V": c98,
  "Hankaku": c99,
  "Hiragana": c100,
  "KSC-EUC-H": c101,
  "KSC-EUC-V": c102,
  "KSC-H": c103,
  "KSC-Johab-H": c104,
  "KSC-Johab-V": c105,
  "KSC-V": c106,
  "KSCms-UHC-H": c107,
  "KSCms-UHC-HW-H": c108,
  "KSCms-UHC-HW-V": c109,
  "KSCms-UHC-V": c110,
  "KSCpc-EUC-H": c111,
  "KSCpc-EUC-V": c112,
  "Katakana": c113,
  "NWP-H": c114,
  "NWP-V": c115,
  "RKSJ-H": c116,
  "RKSJ-V": c117,
  "Roman": c118,
  "UniCNS-UCS2-H": c119,
  "UniCNS-UCS2-V": c120,
  "UniCNS-UTF16-H": c121,
  "UniCNS-UTF16-V": c122,
  "UniCNS-UTF32-H": c123,
  "UniCNS-UTF32-V": c124,
  "UniCNS-UTF8-H": c125,
  "UniCNS-UTF8-V": c126,
  "UniGB-UCS2-H": c127,
  "UniGB-UCS2-V": c128,
  "UniGB-UTF16-H": c129,
  "UniGB-UTF16-V": c130,
  "UniGB-UTF32-H": c131,
  "UniGB-UTF32-V": c132,
  "UniGB-UTF8-H": c133,
  "UniGB-UTF8-V": c134,
  "UniJIS-UCS2-H": c135,
  "UniJIS-UCS2-HW-H": c136,
  "UniJIS-UCS2-HW-V": c137,
  "UniJIS-UCS2-V": c138,
  "UniJIS-UTF16-H": c139,
  "UniJIS-UTF16-V": c140,
  "UniJIS-UTF32-H": c141,
  "UniJIS-UTF32-V": c142,
  "UniJIS-UTF8-H": c143,
  "UniJIS-UTF8-V": c144,
  "UniJIS2004-UTF16-H": c145,
  "UniJIS2004-UTF16-V": c146,
  "UniJIS2004-UTF32-H": c147,
  "UniJIS2004-UTF32-V": c148,
  "UniJIS2004-UTF8-H": c149,
  "UniJIS2004-UTF8-V": c150,
  "UniJISPro-UCS2-HW-V": c151,
  "UniJISPro-UCS2-V": c152,
  "UniJISPro-UTF8-V": c153,
  "UniJISX0213-UTF32-H": c154,
  "UniJISX0213-UTF32-V": c155,
  "UniJISX02132004-UTF32-H": c156,
  "UniJISX02132004-UTF32-V": c157,
  "UniKS-UCS2-H": c158,
  "UniKS-UCS2-V": c159,
  "UniKS-UTF16-H": c160,
  "UniKS-UTF16-V": c161,
  "UniKS-UTF32-H": c162,
  "UniKS-UTF32-V": c163,
  "UniKS-UTF8-H": c164,
  "UniKS-UTF8-V": c165,
  "V": c166,
  "WP-Symbol": c167,
};
