"""Hand-written notes merged into points.yaml by ``generate_points.py``.

Location notes are short paraphrases in our own words (WHO 2008 text is copyrighted; clinical.md,
licensing caveat); extra points follow CAM 1999 as carried by the TARA dataset, auricular Shenmen
GB/T 13734 as discussed by Rong 2016. Cautions paraphrase the depth/angle guidance that clinical.md
§2 cites (Deadman, CAM 1999, WHO 1999, NZASA, Carr 2015).
"""

from __future__ import annotations

WHO = ("who_2008_locations",)
CAM = ("cam_1999_textbook", "tara_2024_acupoints_ontology")
EAR = ("gbt_13734_2008_auricular", "rong_2016_auricular_locations")

#: code -> (location text, sources). Points named by the protocols of seeds 001-004, plus the usual
#: additions for migraine, low back, neck and knee pain.
LOCATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    # Low back (seeds 001, 003)
    "BL23": ("Lower back, 1.5 cun lateral to the posterior midline at the level of the lower border of "
             "the L2 spinous process.", WHO),
    "BL24": ("Lower back, 1.5 cun lateral to the posterior midline at the level of the lower border of "
             "the L3 spinous process.", WHO),
    "BL25": ("Lower back, 1.5 cun lateral to the posterior midline at the level of the lower border of "
             "the L4 spinous process.", WHO),
    "BL26": ("Lower back, 1.5 cun lateral to the posterior midline at the level of the lower border of "
             "the L5 spinous process.", WHO),
    "BL52": ("Lower back, 3 cun lateral to the posterior midline at the level of the lower border of the "
             "L2 spinous process (lateral to BL23).", WHO),
    "BL54": ("Buttock, 3 cun lateral to the median sacral crest at the level of the fourth posterior "
             "sacral foramen.", WHO),
    "BL40": ("Back of the knee, at the midpoint of the popliteal crease.", WHO),
    "BL57": ("Back of the leg, where the two bellies of gastrocnemius meet the calcaneal tendon (the "
             "hollow that appears on plantar flexion).", WHO),
    "BL60": ("Lateral ankle, in the hollow between the most prominent point of the lateral malleolus and "
             "the calcaneal (Achilles) tendon.", WHO),
    "GV3": ("Posterior midline, in the hollow just below the spinous process of L4.", WHO),
    "GV4": ("Posterior midline, in the hollow just below the spinous process of L2.", WHO),
    "GB30": ("Buttock, at the junction of the lateral third and medial two thirds of a line from the "
             "prominence of the greater trochanter to the sacral hiatus.", WHO),
    "KI3": ("Medial ankle, in the hollow between the prominence of the medial malleolus and the "
            "calcaneal tendon.", WHO),
    "EX-UE7": ("Back of the hand, two points per hand: midway between the wrist crease and the "
               "knuckles, one between metacarpals 2 and 3 and one between metacarpals 4 and 5.", CAM),
    "EX-B2": ("A column of points on each side of the spine, 0.5 cun lateral to the lower border of each "
              "spinous process from T1 to L5 (17 pairs).", CAM),
    "EX-B7": ("Lower back, in the hollow about 3.5 to 4 cun lateral to the lower border of the L4 spinous "
              "process, seen with the patient prone.", CAM),
    "EX-B8": ("Posterior midline, just below the spinous process of L5.", CAM),
    # Upper back and neck (seed 003, neck additions)
    "GB21": ("Top of the shoulder, midway between the C7 spinous process and the lateral end of the "
             "acromion.", WHO),
    "BL12": ("Upper back, 1.5 cun lateral to the posterior midline at the level of the lower border of "
             "the T2 spinous process.", WHO),
    "SI11": ("Scapula, in the hollow about one third of the way down from the midpoint of the scapular "
             "spine to the inferior angle.", WHO),
    "SI14": ("Upper back, 3 cun lateral to the posterior midline at the level of the lower border of the "
             "T1 spinous process.", WHO),
    "SI3": ("Ulnar border of the hand, in the hollow just proximal to the head of the fifth metacarpal, "
            "at the border of the palm and back-of-hand skin.", WHO),
    "BL10": ("Back of the neck, level with the upper border of the C2 spinous process, in the hollow "
             "just lateral to the trapezius.", WHO),
    "GV14": ("Posterior midline, in the hollow just below the spinous process of C7.", WHO),
    "LI11": ("Lateral elbow, midway between LU5 and the lateral epicondyle of the humerus (end of the "
             "elbow crease with the elbow flexed).", WHO),
    "GB39": ("Lateral leg, 3 cun above the prominence of the lateral malleolus, just in front of the "
             "fibula.", WHO),
    "EX-UE8": ("Back of the hand, between metacarpals 2 and 3, about 0.5 cun proximal to the knuckles "
               "(the 'stiff-neck' point).", CAM),
    # Head and migraine (seed 001)
    "LI4": ("Back of the hand, between the first and second metacarpals, level with the middle of the "
            "radial side of the second metacarpal.", WHO),
    "LR3": ("Top of the foot, in the hollow between the first and second metatarsals just distal to the "
            "junction of their bases, over the dorsalis pedis pulse.", WHO),
    "LR2": ("Top of the foot, between the first and second toes, just proximal to the web margin where "
            "the skin of the sole meets the skin of the dorsum.", WHO),
    "GB20": ("Base of the skull, below the occipital bone, in the hollow between the upper ends of "
             "sternocleidomastoid and trapezius.", WHO),
    "GV20": ("Vertex, on the midline of the head 5 cun behind the anterior hairline (where the line "
             "joining the two ear apices crosses the midline).", WHO),
    "GB8": ("Side of the head, directly above the apex of the ear, 1.5 cun inside the hairline.", WHO),
    "GB14": ("Forehead, 1 cun above the middle of the eyebrow, in line with the pupil.", WHO),
    "GB34": ("Lateral leg, in the hollow in front of and below the head of the fibula.", WHO),
    "GB41": ("Top of the foot, just distal to the junction of the bases of the fourth and fifth "
             "metatarsals, lateral to the extensor tendon to the little toe.", WHO),
    "GB43": ("Top of the foot, between the fourth and fifth toes, just proximal to the web margin where "
             "the skin of the sole meets the skin of the dorsum.", WHO),
    "TE5": ("Back of the forearm, midway between radius and ulna, 2 cun proximal to the dorsal wrist "
            "crease.", WHO),
    "ST8": ("Side of the head, 0.5 cun inside the anterior hairline at the corner of the forehead, 4.5 cun "
            "from the midline.", WHO),
    "EX-HN5": ("Temple, in the hollow about one finger breadth behind the midpoint between the lateral "
               "end of the eyebrow and the outer corner of the eye.", CAM),
    "EX-HN3": ("Forehead, midway between the inner ends of the two eyebrows.", CAM),
    "EX-HN1": ("Vertex, four points each 1 cun in front of, behind and to either side of GV20.", CAM),
    # Pattern additions and general points (seed 001)
    "ST36": ("Front of the leg, 3 cun below ST35 on the line from ST35 to ST41, about one finger breadth "
             "lateral to the anterior crest of the tibia.", WHO),
    "SP6": ("Medial leg, just behind the medial border of the tibia, 3 cun above the prominence of the "
            "medial malleolus.", WHO),
    "BL17": ("Upper back, 1.5 cun lateral to the posterior midline at the level of the lower border of "
             "the T7 spinous process.", WHO),
    "BL18": ("Upper back, 1.5 cun lateral to the posterior midline at the level of the lower border of "
             "the T9 spinous process.", WHO),
    "BL20": ("Upper back, 1.5 cun lateral to the posterior midline at the level of the lower border of "
             "the T11 spinous process.", WHO),
    "ST40": ("Front of the leg, 8 cun above the prominence of the lateral malleolus, at the lateral border "
             "of tibialis anterior (one finger breadth lateral to ST38).", WHO),
    "SP9": ("Medial leg, in the hollow between the lower border of the medial condyle of the tibia and "
            "the medial border of the tibia.", WHO),
    "CV12": ("Upper abdomen, on the anterior midline 4 cun above the centre of the umbilicus.", WHO),
    "KI7": ("Medial leg, just in front of the calcaneal tendon, 2 cun above the prominence of the medial "
            "malleolus.", WHO),
    "HT7": ("Front of the wrist, on the radial side of the flexor carpi ulnaris tendon, at the palmar "
            "wrist crease.", WHO),
    "PC6": ("Front of the forearm, between the tendons of palmaris longus and flexor carpi radialis, "
            "2 cun proximal to the palmar wrist crease.", WHO),
    # Knee (seed 001)
    "ST35": ("Front of the knee, in the hollow just lateral to the patellar ligament, located with the "
             "knee flexed (lateral 'eye of the knee').", WHO),
    "EX-LE4": ("Front of the knee, in the hollow just medial to the patellar ligament, located with the "
               "knee flexed (medial 'eye of the knee'; seed 001 calls it Xiyan).", CAM),
    "EX-LE5": ("The pair of hollows on either side of the patellar ligament with the knee flexed; the "
               "lateral one is ST35 and the medial one is EX-LE4.", CAM),
    "EX-LE2": ("Above the knee, in the hollow at the midpoint of the upper border of the patella.", CAM),
    "SP10": ("Front-medial thigh, on the bulge of vastus medialis, 2 cun above the medial end of the base "
             "of the patella.", WHO),
    "ST34": ("Front-lateral thigh, 2 cun above the base of the patella, between vastus lateralis and the "
             "lateral border of the rectus femoris tendon.", WHO),
    "LR8": ("Medial knee, at the medial end of the popliteal crease, in the hollow in front of the "
            "semitendinosus and semimembranosus tendons.", WHO),
    # Sleep and emotional overlay (seeds 001, 004)
    "EX-Anmian": ("Behind the ear, midway between TE17 and GB20.", CAM),
    "TF4": ("Ear, in the triangular fossa, in the upper part of its posterior third.", EAR),
    # Named by the safety rules (clinical.md §2.1, §2.3)
    "BL67": ("Little toe, on the lateral side of the distal phalanx, just behind the corner of the nail.", WHO),
    "ST17": ("Chest, at the centre of the nipple.", WHO),
    "CV8": ("Abdomen, at the centre of the umbilicus.", WHO),
}

DEADMAN = "deadman_2007_manual"
CAM_ONLY = "cam_1999_textbook"
WHO99 = "who_1999_safety_guidelines"
CARR = "carr_2015_forbidden_points_pregnancy"
NZASA = "nzasa_code_safe_practice"

_BACK_SHU = ("Lung lies beneath the upper back: insert obliquely towards the spine (0.5-1 cun) or "
             "transverse-oblique; never deep and perpendicular, least of all in thin patients.")
_FORBIDDEN = ("Traditionally forbidden in pregnancy: needle a pregnant patient here only after a "
              "documented risk:benefit decision (the trial evidence shows no objective harm).")

#: code -> (caution text, sources), for protocol points that carry a safety flag.
CAUTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "BL23": ("Kidney lies deep to this point: stay within the listed depth, perpendicular or angled "
             "towards the spine, shallower in thin patients. Lumbar point: avoid in the first trimester "
             "and use with care later in pregnancy.", (DEADMAN, WHO99, CARR)),
    "BL25": ("Lumbar point: avoid in the first trimester of pregnancy and use with care later.", (WHO99, CARR)),
    "BL40": ("Popliteal artery and vein and the tibial nerve lie deep here: needle within the listed "
             "depth without strong manipulation; prick only the superficial veins to bleed; moxibustion "
             "is traditionally avoided.", (DEADMAN, CAM_ONLY)),
    "GV3": ("The spinal canal lies about 1.25-1.75 cun deep between GV3 and GV14: insert between the "
            "spinous processes, perpendicular or slightly upward, well short of that depth, and stop at "
            "any electric sensation. Lumbar point in pregnancy: see the pregnancy rule.", (DEADMAN, WHO99)),
    "GV4": ("The spinal canal lies about 1.25-1.75 cun deep between GV3 and GV14: insert between the "
            "spinous processes, perpendicular or slightly upward, well short of that depth, and stop at "
            "any electric sensation. Lumbar point in pregnancy: see the pregnancy rule.", (DEADMAN, WHO99)),
    "GV14": ("The spinal canal lies about 1.25-1.75 cun deep here: insert slightly upward between the "
             "spinous processes, well short of that depth; stop at any electric sensation.", (DEADMAN,)),
    "BL60": (_FORBIDDEN, (DEADMAN, WHO99, CARR)),
    "LI4": (_FORBIDDEN, (DEADMAN, WHO99, CARR)),
    "SP6": (_FORBIDDEN, (DEADMAN, CAM_ONLY, WHO99, CARR)),
    "GB20": ("The medulla and upper spinal cord lie deep and medial: angle the needle towards the tip of "
             "the nose, never medially-upwards towards the foramen magnum, and stay within the listed "
             "depth.", (DEADMAN,)),
    "GB21": ("The lung apex lies close beneath: perpendicular insertion, above all in thin patients, can "
             "cause a pneumothorax. Keep it shallow (0.3-0.5 cun perpendicular) or insert obliquely "
             "backwards. Traditionally forbidden in pregnancy.", (DEADMAN, CAM_ONLY, "chen_2018_gb21_depth")),
    "BL12": (_BACK_SHU, (DEADMAN,)),
    "BL17": (_BACK_SHU, (DEADMAN,)),
    "BL18": (_BACK_SHU + " The liver lies beneath on the right.", (DEADMAN,)),
    "BL20": (_BACK_SHU, (DEADMAN,)),
    "SI11": ("A small share of people have a foramen in the scapula here: avoid deep perpendicular "
             "insertion.", (NZASA,)),
    "SI14": (_BACK_SHU, (DEADMAN,)),
    "CV12": ("Stomach and liver lie beneath: stay within the listed depth, shallower in thin patients or "
             "after a meal. Upper abdominal point: avoid after the third month of pregnancy.",
             (DEADMAN, CAM_ONLY, WHO99)),
    "HT7": ("The ulnar artery and nerve run just beside the tendon: insert shallowly and do not "
            "manipulate strongly.", (DEADMAN,)),
    "PC6": ("The median nerve lies directly beneath: if the patient feels an electric sensation, "
            "withdraw slightly and do not manipulate vigorously.", (DEADMAN,)),
    "BL67": ("Listed as forbidden in pregnancy in an obstetrics text (not in Deadman or CAM 1999): warn and "
             "document the risk:benefit decision before needling a pregnant patient.",
             ("maciocia_obstetrics_gynecology", WHO99, CARR)),
    "ST17": ("Nipple and breast tissue are never needled; the point serves only as a landmark.",
             (NZASA, DEADMAN)),
    "CV8": ("The umbilicus is never needled (CAM 1999: puncture is prohibited).", (NZASA, CAM_ONLY)),
}
