"""Body-chart positions merged into points.yaml by ``generate_points.py`` (``chart:`` of each point).

Each position is (view, x, y) in the 0..1 box of a view of ``data/body_chart.yaml`` (front and back
300 x 600, side 300 x 600, ear 200 x 300 units), given for the patient's LEFT side; the renderer
mirrors bilateral points to the right. They were placed by hand on our own outline from each point's
location note (WHO 2008, ``who_2008_locations``): vertebral levels on the back view at T(n) lower border
y = 104 + 10n and L(n) y = 224 + 13n units, 1.5 cun lateral = 12.5 units (6 cun between the scapulae);
the leg 16 cun from the knee crease (y 430) to the malleolus (y 556); the forearm 12 cun. The dorsum of
the hand faces back (anatomical position), so LI4 and EX-UE7 sit on the back view (LI4 also at the radial
edge of the hand on the front, so that a LI4-HT7 electrode pair can be drawn). Every point a protocol,
programme set or acute-flare rule can place needs one (``acupath knowledge check``).
"""

from __future__ import annotations

#: code -> ((view, x, y), ...) for the patient's left side; midline points at x = 0.5.
CHARTS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "BL12": (("back", 0.458, 0.207),),
    "BL17": (("back", 0.458, 0.290),),
    "BL18": (("back", 0.458, 0.323),),
    "BL20": (("back", 0.458, 0.357),),
    "BL23": (("back", 0.458, 0.417),),
    "BL25": (("back", 0.458, 0.460),),
    "BL40": (("back", 0.403, 0.720),),
    "BL60": (("back", 0.380, 0.930), ("side", 0.523, 0.937),),
    "CV12": (("front", 0.500, 0.337),),
    "EX-HN3": (("front", 0.500, 0.063),),
    "EX-HN5": (("front", 0.573, 0.070), ("side", 0.433, 0.067),),
    "EX-LE4": (("front", 0.573, 0.733),),
    "EX-UE7": (("back", 0.187, 0.533), ("back", 0.217, 0.533),),
    "GB20": (("back", 0.443, 0.133),),
    "GB21": (("back", 0.380, 0.183),),
    "GB30": (("back", 0.367, 0.532), ("side", 0.573, 0.523),),
    "GB34": (("front", 0.643, 0.757), ("side", 0.500, 0.760),),
    "GB43": (("front", 0.630, 0.977), ("side", 0.393, 0.973),),
    "GB8": (("front", 0.573, 0.045), ("side", 0.527, 0.040),),
    "GV20": (("back", 0.500, 0.020),),
    "GV3": (("back", 0.500, 0.463),),
    "GV4": (("back", 0.500, 0.420),),
    "HT7": (("front", 0.777, 0.505),),
    "KI3": (("back", 0.423, 0.930),),
    "KI7": (("back", 0.423, 0.903),),
    "LI4": (("back", 0.157, 0.540), ("front", 0.833, 0.537),),
    "LR2": (("front", 0.573, 0.980),),
    "LR3": (("front", 0.573, 0.953),),
    "PC6": (("front", 0.790, 0.482),),
    "SI11": (("back", 0.383, 0.252),),
    "SP10": (("front", 0.560, 0.673),),
    "SP6": (("front", 0.560, 0.887),),
    "SP9": (("front", 0.553, 0.750),),
    "ST35": (("front", 0.623, 0.733),),
    "ST36": (("front", 0.623, 0.773),),
    "ST40": (("front", 0.633, 0.822),),
    "TF4": (("ear", 0.670, 0.260),),
}
