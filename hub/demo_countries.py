"""Country and In focus demo data, added by `manage.py seed_demo` (connected to
`community.signals.demo_seeded` like hub/demo.py).

Country pages for the 27 EU member states — a short overview of each national cluster
policy, its real national cluster programme(s), a support measure and a contact given as an
office or a role, never a private person — and for the third countries of strategic interest
(Canada, Japan, South Korea, India, Brazil, Mexico, Ukraine, Morocco, Tunisia, South Africa,
the United States, Singapore, Chile), marked, with their cooperation opportunities. In focus
pages for the four policy areas and the 14 industrial ecosystems, with English introductions.

Written with the models (the services are for people's requests); idempotent: the demo's
pages are replaced by the same data on a rerun.
"""

# ruff: noqa: RUF001, E501  (typographic apostrophes are intended; the tables are wide)
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from community.demo.builder import STAFF_EMAIL
from community.models import Ecosystem, Tag, User
from community.models.taxonomy import ECOSYSTEMS
from community.signals import demo_seeded
from hub.models import CountryPage, CountryPageItem, FocusPage

# code: (overview, [(name, description, link) programmes], (support measure), (contact office, link))
EU: dict[str, tuple[str, list[tuple[str, str, str]], tuple[str, str, str], tuple[str, str]]] = {
    "AT": (
        "Austria runs cluster policy mostly through its federal states: Upper Austria, Styria, Lower Austria and Vienna each fund cluster organisations with a management team. The **Cluster-Plattform Österreich** links them nationally and with the European Cluster Collaboration Platform.",
        [
            (
                "Cluster-Plattform Österreich",
                "The federal platform of the regional cluster initiatives, run for the Ministry of Labour and Economy.",
                "https://www.clusterplattform.at",
            )
        ],
        (
            "Regional cluster co-operation projects",
            "The states co-fund projects that at least three cluster members carry out together.",
            "https://www.biz-up.at",
        ),
        ("Cluster unit, Federal Ministry of Labour and Economy", "https://www.bmaw.gv.at"),
    ),
    "BE": (
        "Belgium's cluster policy is regional. Flanders funds **spearhead clusters** (speerpuntclusters) with a long-term strategy and smaller innovative business networks; Wallonia has run its **pôles de compétitivité** since 2006; Brussels supports its own clusters through hub.brussels.",
        [
            (
                "Flemish spearhead clusters",
                "Long-term clusters such as Flux50, Catalisti and VIL that carry Flanders' industrial priorities.",
                "https://www.vlaio.be",
            ),
            (
                "Pôles de compétitivité wallons",
                "Seven competitiveness clusters in Wallonia, from biotech to logistics.",
                "https://www.competitivite.wallonie.be",
            ),
        ],
        (
            "Innovative business networks (Flanders)",
            "Support for younger clusters before they can become spearheads.",
            "https://www.vlaio.be",
        ),
        ("Cluster policy desk, Flanders Innovation & Entrepreneurship", "https://www.vlaio.be"),
    ),
    "BG": (
        "Bulgaria supports clusters through its operational programme for innovation and competitiveness, with calls for cluster development in the sectors of its smart specialisation strategy.",
        [
            (
                "Cluster development calls",
                "Grants to develop clusters in the priority sectors of Bulgaria's smart specialisation strategy.",
                "https://www.sme.government.bg",
            )
        ],
        (
            "Internationalisation of SMEs",
            "Trade missions and fairs co-funded for cluster members.",
            "https://www.sme.government.bg",
        ),
        (
            "Bulgarian Small and Medium Enterprises Promotion Agency",
            "https://www.sme.government.bg",
        ),
    ),
    "HR": (
        "Croatia's **competitiveness clusters** bring industry, research and government together in sectors such as food, wood, automotive and ICT, and link to the thematic priorities of its smart specialisation strategy.",
        [
            (
                "Croatian competitiveness clusters",
                "Thirteen sectoral clusters recognised by the government, each with an action plan.",
                "https://mingo.gov.hr",
            )
        ],
        (
            "Cluster co-operation grants",
            "Grants for joint projects of cluster members.",
            "https://mingo.gov.hr",
        ),
        ("Cluster policy unit, Ministry of Economy", "https://mingo.gov.hr"),
    ),
    "CY": (
        "Cyprus has no dedicated cluster programme; the **Research and Innovation Foundation** funds collaboration between companies and research organisations, which young clusters in ICT, energy and tourism use.",
        [
            (
                "RESTART programmes",
                "The Research and Innovation Foundation's programmes for joint research and innovation.",
                "https://www.research.org.cy",
            )
        ],
        (
            "Innovation vouchers",
            "Small companies buy services from research organisations.",
            "https://www.research.org.cy",
        ),
        ("Research and Innovation Foundation, programmes desk", "https://www.research.org.cy"),
    ),
    "CZ": (
        "Czechia funds clusters through the **OP TAK** operational programme (Spolupráce – Klastry), managed by CzechInvest and the Ministry of Industry and Trade. A national cluster association represents about 60 clusters.",
        [
            (
                "OP TAK Spolupráce – Klastry",
                "Funding for cluster development, shared infrastructure and joint research.",
                "https://www.czechinvest.org",
            )
        ],
        (
            "Internationalisation of clusters",
            "Support for clusters' joint presentations abroad.",
            "https://www.czechinvest.org",
        ),
        ("Cluster desk, CzechInvest", "https://www.czechinvest.org"),
    ),
    "DK": (
        "Denmark consolidated its clusters in 2021 into **national cluster organisations**, one per strong business area, financed by the Danish Business Promotion Board and the Ministry of Higher Education and Science. **Cluster Excellence Denmark** supports their managers.",
        [
            (
                "Danish national cluster organisations",
                "Fourteen national clusters and a few emerging ones, each covering a strong business area.",
                "https://www.clusterexcellencedenmark.dk",
            ),
            (
                "Cluster Excellence Denmark",
                "Training, benchmarking and analyses for cluster managers.",
                "https://www.clusterexcellencedenmark.dk",
            ),
        ],
        (
            "Innovation power (Innovationskraft)",
            "Clusters deliver innovation services to SMEs on behalf of the state.",
            "https://www.ufm.dk",
        ),
        (
            "Cluster secretariat, Danish Agency for Higher Education and Science",
            "https://www.ufm.dk",
        ),
    ),
    "EE": (
        "Estonia's cluster programme, run by Enterprise Estonia (now the Estonian Business and Innovation Agency), has funded cluster development since 2008, with a focus on export and digital transformation.",
        [
            (
                "Cluster development programme",
                "Grants for cluster managers' joint activities, export and innovation.",
                "https://eis.ee",
            )
        ],
        (
            "Export development grants",
            "Co-funding for cluster members' joint export activities.",
            "https://eis.ee",
        ),
        ("Cluster programme manager, Estonian Business and Innovation Agency", "https://eis.ee"),
    ),
    "FI": (
        "Finland's cluster-like policy works through **innovation ecosystem agreements** with its largest cities and through Business Finland's growth engines and ecosystem programmes.",
        [
            (
                "Ecosystem agreements",
                "The state and the largest cities fund innovation ecosystems together.",
                "https://tem.fi",
            ),
            (
                "Business Finland growth engines",
                "Platform companies lead ecosystems around a shared goal.",
                "https://www.businessfinland.fi",
            ),
        ],
        (
            "Innovation vouchers",
            "Companies buy expert services for a new product or service.",
            "https://www.businessfinland.fi",
        ),
        ("Ecosystem services, Business Finland", "https://www.businessfinland.fi"),
    ),
    "FR": (
        "France has run its **pôles de compétitivité** since 2005: 54 competitiveness clusters labelled by the State, each led by a team funded by the State and the regions. They take part in **France 2030** and help members apply to European programmes.",
        [
            (
                "Pôles de compétitivité",
                "The State's labelled competitiveness clusters (phase V, 2023–2026).",
                "https://competitivite.gouv.fr",
            ),
            (
                "France Clusters",
                "The national network of cluster organisations and business networks.",
                "https://franceclusters.fr",
            ),
        ],
        (
            "Collaborative R&D projects (France 2030)",
            "Joint projects labelled by the pôles can be funded under France 2030.",
            "https://www.bpifrance.fr",
        ),
        (
            "Cluster policy office, Directorate-General for Enterprise",
            "https://www.entreprises.gouv.fr",
        ),
    ),
    "DE": (
        "Germany supports cluster management excellence with the federal **go-cluster** programme and its Cluster Platform, and research-driven clusters with the **Zukunftscluster-Initiative**. The Länder run their own cluster policies, from Bavaria's cluster offensive to North Rhine-Westphalia's state clusters.",
        [
            (
                "go-cluster",
                "The federal programme for innovative cluster management, with about 80 member clusters.",
                "https://www.clusterplattform.de",
            ),
            (
                "Zukunftscluster-Initiative (Clusters4Future)",
                "Research clusters that take new technologies to application.",
                "https://www.clusters4future.de",
            ),
        ],
        (
            "Internationalisation of clusters and networks",
            "Federal funding for clusters' international strategies.",
            "https://www.bmbf.de",
        ),
        ("Cluster Platform Germany, service desk", "https://www.clusterplattform.de"),
    ),
    "GR": (
        "Greece supports clusters through its national smart specialisation strategy and the Competitiveness programme; regional clusters are active in agri-food, ICT, energy and tourism.",
        [
            (
                "Smart specialisation partnerships",
                "Collaboration between companies and research in the priority areas of RIS3.",
                "https://www.gsri.gov.gr",
            )
        ],
        (
            "Competitiveness programme grants",
            "Funding for SMEs' joint investments and innovation.",
            "https://www.antagonistikotita.gr",
        ),
        ("General Secretariat for Research and Innovation, RIS3 desk", "https://www.gsri.gov.gr"),
    ),
    "HU": (
        "Hungary accredits **innovation clusters** that meet size, co-operation and management criteria; accredited clusters get priority in national funding. The National Research, Development and Innovation Office oversees the scheme.",
        [
            (
                "Accredited Innovation Clusters",
                "A label for clusters with proven co-operation and management.",
                "https://nkfih.gov.hu",
            )
        ],
        (
            "Cluster development grants",
            "Support for accredited clusters' services to members.",
            "https://nkfih.gov.hu",
        ),
        ("Cluster accreditation desk, NRDI Office", "https://nkfih.gov.hu"),
    ),
    "IE": (
        "Ireland's cluster policy is led by Enterprise Ireland, whose **Regional Technology Clustering Fund** helps technological universities build clusters with regional companies.",
        [
            (
                "Regional Technology Clustering Fund",
                "Funding for clusters led by technological universities and institutes.",
                "https://www.enterprise-ireland.com",
            )
        ],
        (
            "Innovation vouchers",
            "EUR 5,000 vouchers to work with a research provider.",
            "https://www.enterprise-ireland.com",
        ),
        ("Regional clustering desk, Enterprise Ireland", "https://www.enterprise-ireland.com"),
    ),
    "IT": (
        "Italy's Ministry of University and Research recognises fourteen **Cluster Tecnologici Nazionali**, national technology clusters in areas such as agri-food, aerospace, blue growth and smart factories. The regions support their own clusters and districts.",
        [
            (
                "Cluster Tecnologici Nazionali",
                "Fourteen national technology clusters coordinating research and industry.",
                "https://www.mur.gov.it",
            ),
            (
                "Regional districts and clusters",
                "Lombardy, Piedmont, Emilia-Romagna and others fund regional clusters.",
                "https://www.mimit.gov.it",
            ),
        ],
        (
            "National research programme calls",
            "Collaborative research calls open to cluster members.",
            "https://www.mur.gov.it",
        ),
        (
            "National technology clusters office, Ministry of University and Research",
            "https://www.mur.gov.it",
        ),
    ),
    "LV": (
        "Latvia's Investment and Development Agency (LIAA) runs a cluster programme that funds cluster co-operation, export and innovation in sectors such as ICT, wood, food and medical technologies.",
        [
            (
                "LIAA cluster programme",
                "Funding for clusters' co-operation, export and innovation activities.",
                "https://www.liaa.gov.lv",
            )
        ],
        (
            "Export promotion",
            "Trade missions and fairs for cluster members.",
            "https://www.liaa.gov.lv",
        ),
        ("Cluster programme desk, LIAA", "https://www.liaa.gov.lv"),
    ),
    "LT": (
        "Lithuania's Innovation Agency supports clusters with the **InoClusterLT** measure and helps them join European partnerships.",
        [
            (
                "InoClusterLT",
                "Funding for clusters' joint research, innovation and internationalisation.",
                "https://inovacijuagentura.lt",
            )
        ],
        (
            "Cluster internationalisation support",
            "Help to join European strategic cluster partnerships.",
            "https://inovacijuagentura.lt",
        ),
        ("Cluster desk, Innovation Agency Lithuania", "https://inovacijuagentura.lt"),
    ),
    "LU": (
        "Luxembourg's national innovation agency **Luxinnovation** manages the Luxembourg Clusters: materials and manufacturing, ICT, health, automotive, eco-innovation, creative industries and wood.",
        [
            (
                "Luxembourg Clusters",
                "Seven national clusters managed by Luxinnovation for the Ministry of the Economy.",
                "https://www.luxinnovation.lu",
            )
        ],
        (
            "Fit 4 Innovation",
            "Expert support for SMEs to improve their processes.",
            "https://www.luxinnovation.lu",
        ),
        ("Clusters department, Luxinnovation", "https://www.luxinnovation.lu"),
    ),
    "MT": (
        "Malta has no formal cluster programme; Malta Enterprise supports business networks and collaboration in sectors such as life sciences, aviation and maritime services.",
        [
            (
                "Business networks support",
                "Malta Enterprise schemes for companies working together.",
                "https://www.maltaenterprise.com",
            )
        ],
        (
            "Business development and innovation schemes",
            "Grants and tax credits for innovation projects.",
            "https://www.maltaenterprise.com",
        ),
        ("Enterprise support desk, Malta Enterprise", "https://www.maltaenterprise.com"),
    ),
    "NL": (
        "The Netherlands works with nine **Topsectoren**, public–private partnerships of companies, knowledge institutes and government, and regional development agencies that support clusters such as Brainport Eindhoven.",
        [
            (
                "Topsectoren",
                "Nine top sectors with their top consortia for knowledge and innovation (TKIs).",
                "https://www.topsectoren.nl",
            )
        ],
        (
            "MIT scheme",
            "SME innovation stimulation for regions and top sectors.",
            "https://www.rvo.nl",
        ),
        ("Top sectors desk, Netherlands Enterprise Agency", "https://www.rvo.nl"),
    ),
    "PL": (
        "Poland's **Krajowe Klastry Kluczowe** (National Key Clusters) are clusters of national importance selected by the Ministry of Development; PARP funds their development and internationalisation.",
        [
            (
                "Krajowe Klastry Kluczowe",
                "The status of National Key Cluster, awarded after an assessment.",
                "https://www.gov.pl/web/rozwoj-technologia",
            )
        ],
        (
            "Cluster internationalisation (PARP)",
            "Funding for clusters' foreign promotion and partnerships.",
            "https://www.parp.gov.pl",
        ),
        (
            "Cluster policy team, Polish Agency for Enterprise Development",
            "https://www.parp.gov.pl",
        ),
    ),
    "PT": (
        "Portugal recognises **Clusters de Competitividade**, competitiveness clusters selected by IAPMEI and the national innovation agency, in sectors from engineering and tooling to agri-food and health.",
        [
            (
                "Clusters de Competitividade",
                "Recognised competitiveness clusters with an action programme.",
                "https://www.iapmei.pt",
            )
        ],
        (
            "Compete 2030 collective actions",
            "Funding for clusters' collective actions for their members.",
            "https://www.compete2030.gov.pt",
        ),
        ("Clusters desk, IAPMEI", "https://www.iapmei.pt"),
    ),
    "RO": (
        "Romania supports clusters through its research and innovation ministry and regional programmes; the Romanian Cluster Association (CLUSTERO) represents more than 70 clusters.",
        [
            (
                "Cluster support in the Smart Growth programme",
                "Funding for innovation clusters' projects.",
                "https://www.research.gov.ro",
            ),
            ("CLUSTERO", "The Romanian Cluster Association.", "https://www.clustero.eu"),
        ],
        (
            "Innovation clusters support scheme",
            "Grants for clusters' joint innovation projects.",
            "https://www.research.gov.ro",
        ),
        (
            "Cluster policy unit, Ministry of Research, Innovation and Digitalisation",
            "https://www.research.gov.ro",
        ),
    ),
    "SK": (
        "Slovakia supports industrial clusters with a grant scheme of the Ministry of Economy and innovation support from the Slovak Innovation and Energy Agency.",
        [
            (
                "Support for industrial clusters",
                "Annual grants for industrial cluster organisations.",
                "https://www.economy.gov.sk",
            )
        ],
        ("Innovation vouchers", "SMEs buy research services.", "https://www.siea.sk"),
        ("Cluster desk, Ministry of Economy", "https://www.economy.gov.sk"),
    ),
    "SI": (
        "Slovenia's **SRIP** (Strategic Research and Innovation Partnerships) organise the priority areas of its smart specialisation strategy, from smart buildings to factories of the future.",
        [
            (
                "SRIP – Strategic Research and Innovation Partnerships",
                "Nine partnerships carrying Slovenia's smart specialisation.",
                "https://www.gov.si",
            )
        ],
        (
            "SPIRIT Slovenia support",
            "Business support and internationalisation for SRIP members.",
            "https://www.spiritslovenia.si",
        ),
        ("Smart specialisation office, Government Office for Development", "https://www.gov.si"),
    ),
    "ES": (
        "Spain's Ministry of Industry registers **Agrupaciones Empresariales Innovadoras (AEI)**, innovative business clusters that can apply for its annual support programme; the autonomous communities run their own cluster policies, Catalonia and the Basque Country among the oldest in Europe.",
        [
            (
                "Agrupaciones Empresariales Innovadoras (AEI)",
                "The national register of innovative clusters and its annual support programme.",
                "https://industria.gob.es",
            ),
            (
                "Catalonia Clusters",
                "ACCIÓ's cluster programme in Catalonia.",
                "https://www.accio.gencat.cat",
            ),
        ],
        (
            "AEI support programme",
            "Grants for clusters' innovation projects and structures.",
            "https://industria.gob.es",
        ),
        ("AEI programme desk, Ministry of Industry and Tourism", "https://industria.gob.es"),
    ),
    "SE": (
        "Sweden's innovation agency Vinnova has funded regional innovation systems through **Vinnväxt** for two decades; regions fund clusters of their own, and Swedish clusters are active in European partnerships.",
        [
            (
                "Vinnväxt",
                "Ten-year funding for regional innovation systems.",
                "https://www.vinnova.se",
            )
        ],
        (
            "Regional cluster funding",
            "Regions co-fund clusters with the Agency for Economic and Regional Growth.",
            "https://tillvaxtverket.se",
        ),
        ("Regional innovation unit, Vinnova", "https://www.vinnova.se"),
    ),
}

# code: (overview, [(programme name, description, link)], [(cooperation opportunity, description, link)])
STRATEGIC: dict[str, tuple[str, list[tuple[str, str, str]], list[tuple[str, str, str]]]] = {
    "CA": (
        "Canada's **Global Innovation Clusters** (digital, protein, advanced manufacturing, AI-powered supply chains and ocean) are industry-led and co-funded by the federal government.",
        [
            (
                "Global Innovation Clusters",
                "Five industry-led national clusters.",
                "https://ised-isde.canada.ca",
            )
        ],
        [
            (
                "EU–Canada cluster missions",
                "Cluster-to-cluster missions under the EU–Canada trade agreement (CETA).",
                "https://single-market-economy.ec.europa.eu",
            ),
            (
                "Partner search in Canada",
                "The Enterprise Europe Network's Canadian partners.",
                "https://een.ec.europa.eu",
            ),
        ],
    ),
    "JP": (
        "Japan's regional industrial cluster policy is led by METI and MEXT; the **EU–Japan Centre for Industrial Cooperation** connects European and Japanese clusters.",
        [
            (
                "Regional innovation ecosystems",
                "METI and MEXT support for regional innovation hubs.",
                "https://www.meti.go.jp",
            )
        ],
        [
            (
                "EU–Japan Centre for Industrial Cooperation",
                "Missions, matchmaking and the Minerva training for clusters.",
                "https://www.eu-japan.eu",
            ),
            (
                "EU–Japan cluster matchmaking",
                "Yearly matchmaking between European and Japanese clusters.",
                "https://www.eu-japan.eu",
            ),
        ],
    ),
    "KR": (
        "South Korea's industrial complexes are managed by **KICOX**, which runs innovation clusters in each complex; smart and green industrial complexes are the current priority.",
        [
            (
                "Industrial complex clusters",
                "KICOX's cluster programme in the national industrial complexes.",
                "https://www.kicox.or.kr",
            )
        ],
        [
            (
                "EU–Korea cluster co-operation",
                "Missions and partnerships under the EU–Korea Green Partnership.",
                "https://single-market-economy.ec.europa.eu",
            )
        ],
    ),
    "IN": (
        "India's Ministry of MSME runs the **Micro and Small Enterprises Cluster Development Programme**, with common facility centres for thousands of small-firm clusters.",
        [
            (
                "MSE Cluster Development Programme",
                "Common facility centres and soft interventions for MSME clusters.",
                "https://msme.gov.in",
            )
        ],
        [
            (
                "EU–India cluster partnership",
                "Cluster co-operation under the EU–India Trade and Technology Council.",
                "https://single-market-economy.ec.europa.eu",
            ),
            (
                "EU–India Innovation Partnership",
                "Matchmaking between European and Indian innovators.",
                "https://een.ec.europa.eu",
            ),
        ],
    ),
    "BR": (
        "Brazil supports **Arranjos Produtivos Locais** (local productive arrangements), clusters of small firms in a territory, through its industry ministry and the states.",
        [
            (
                "Arranjos Produtivos Locais (APL)",
                "The national policy for local productive arrangements.",
                "https://www.gov.br/mdic",
            )
        ],
        [
            (
                "EU–Brazil cluster co-operation",
                "Cluster dialogues and missions with Brazilian APLs.",
                "https://single-market-economy.ec.europa.eu",
            )
        ],
    ),
    "MX": (
        "Mexico's clusters are organised by its states — aerospace in Querétaro, automotive in Nuevo León, IT in Jalisco — and linked in a national cluster network.",
        [
            (
                "State cluster programmes",
                "State economic development agencies fund sectoral clusters.",
                "https://www.gob.mx/se",
            )
        ],
        [
            (
                "EU–Mexico cluster missions",
                "Missions under the modernised EU–Mexico Global Agreement.",
                "https://single-market-economy.ec.europa.eu",
            )
        ],
    ),
    "UA": (
        "Ukraine's clusters, active in IT, agri-food, furniture and defence, are key partners in its recovery; EU programmes help them join European value chains.",
        [
            (
                "Cluster support under the Single Market Programme",
                "Ukrainian clusters take part in European calls.",
                "https://eismea.ec.europa.eu",
            )
        ],
        [
            (
                "EU4Business",
                "Support for Ukrainian SMEs and their clusters.",
                "https://eu4business.eu",
            ),
            (
                "Euroclusters for Ukraine",
                "European clusters' projects with Ukrainian partners.",
                "https://www.clustercollaboration.eu",
            ),
        ],
    ),
    "MA": (
        "Morocco's **clusters** in electronics, automotive, agri-food and renewables are recognised and funded by the Ministry of Industry and Trade.",
        [
            (
                "Moroccan cluster programme",
                "Recognition and funding of industrial clusters.",
                "https://www.mcinet.gov.ma",
            )
        ],
        [
            (
                "EU–Morocco green partnership",
                "Cluster co-operation on renewable energy and green hydrogen.",
                "https://single-market-economy.ec.europa.eu",
            )
        ],
    ),
    "TN": (
        "Tunisia's **pôles de compétitivité** and clusters in textiles, mechanics, ICT and agri-food are supported by the Agency for the Promotion of Industry and Innovation (APII).",
        [
            (
                "Tunisian competitiveness poles",
                "Technology parks and clusters across the country.",
                "https://www.tunisieindustrie.nat.tn",
            )
        ],
        [
            (
                "EU–Tunisia cluster matchmaking",
                "Matchmaking between European and Tunisian clusters in textiles and mechanics.",
                "https://een.ec.europa.eu",
            )
        ],
    ),
    "ZA": (
        "South Africa's Department of Trade, Industry and Competition runs a **Cluster Development Programme** for industry-led clusters.",
        [
            (
                "Cluster Development Programme",
                "Co-funding for clusters' shared services and infrastructure.",
                "https://www.thedtic.gov.za",
            )
        ],
        [
            (
                "EU–South Africa cluster co-operation",
                "Missions on renewable energy and automotive.",
                "https://single-market-economy.ec.europa.eu",
            )
        ],
    ),
    "US": (
        "The United States funds regional clusters through the Economic Development Administration's **Regional Technology and Innovation Hubs** (Tech Hubs) and earlier cluster programmes.",
        [
            (
                "Tech Hubs",
                "Regional Technology and Innovation Hubs designated by the EDA.",
                "https://www.eda.gov",
            )
        ],
        [
            (
                "EU–US cluster co-operation",
                "Transatlantic cluster missions and partnerships.",
                "https://single-market-economy.ec.europa.eu",
            )
        ],
    ),
    "SG": (
        "Singapore's Economic Development Board builds industry clusters in electronics, biomedical sciences and precision engineering.",
        [
            (
                "EDB industry clusters",
                "Singapore's industry development programmes.",
                "https://www.edb.gov.sg",
            )
        ],
        [
            (
                "EU–Singapore digital partnership",
                "Co-operation under the EU–Singapore Digital Partnership.",
                "https://single-market-economy.ec.europa.eu",
            )
        ],
    ),
    "CL": (
        "Chile's development agency **CORFO** runs strategic programmes that work like clusters in mining, food, solar energy and tourism.",
        [
            (
                "CORFO strategic programmes",
                "Public–private programmes for priority sectors.",
                "https://www.corfo.cl",
            )
        ],
        [
            (
                "EU–Chile cluster missions",
                "Missions on green hydrogen and critical raw materials under the EU–Chile Advanced Framework Agreement.",
                "https://single-market-economy.ec.europa.eu",
            )
        ],
    ),
}

# slug, title, summary, intro, ecosystems, tags
POLICY_AREAS: list[tuple[str, str, str, str, list[str], list[str]]] = [
    (
        "green-transition",
        "Green transition",
        "Clusters helping their members cut emissions, use resources better and build clean value chains.",
        "The **European Green Deal** asks every industrial ecosystem to become climate-neutral and circular. Clusters help their members find partners, funding and skills for it: hydrogen valleys, renewable energy, circular textiles, low-carbon construction.\n\nThis page gathers the news, open calls, events and organisations in the energy-intensive and renewable energy ecosystems, and organisations working on hydrogen, circular economy, recycling and energy efficiency.",
        ["energy-renewables", "energy-intensive"],
        [
            "hydrogen",
            "circular-economy",
            "recycling-technologies",
            "energy-efficiency",
            "carbon-capture",
            "renewable-energy",
        ],
    ),
    (
        "digital-transition",
        "Digital transition",
        "Clusters bringing artificial intelligence, data and connectivity to small companies.",
        "The **Digital Decade** targets call for three in four companies using cloud, big data or AI by 2030. Clusters and European Digital Innovation Hubs help SMEs get there.\n\nThis page gathers what is tagged with the digital and electronics ecosystems, and organisations working on artificial intelligence, cybersecurity, the internet of things and digital twins.",
        ["digital", "electronics"],
        [
            "artificial-intelligence",
            "cybersecurity",
            "internet-of-things",
            "digital-twins",
            "big-data",
        ],
    ),
    (
        "social-economy",
        "Social economy",
        "Clusters of cooperatives, social enterprises and local services.",
        "The **Social Economy Action Plan** supports the 2.8 million social economy entities in Europe. Social economy clusters and local green deals bring them together with companies and public bodies.\n\nThis page gathers what is tagged with the proximity, social economy and civil society ecosystem.",
        ["proximity-social-economy"],
        ["social-economy"],
    ),
    (
        "resilience",
        "Resilience",
        "Secure supply chains in health, defence, food and critical technologies.",
        "Recent crises showed how fragile some supply chains are. The EU's **industrial strategy** asks clusters to map dependencies, diversify suppliers and build capacity in Europe, from medicines to semiconductors.\n\nThis page gathers what is tagged with the health, aerospace and defence and agri-food ecosystems, and organisations working on semiconductors and security.",
        ["health", "aerospace-defence", "agri-food"],
        ["semiconductors", "security", "medical-devices"],
    ),
]

ECOSYSTEM_INTROS = {
    "aerospace-defence": "From satellites to drones, the aerospace and defence ecosystem relies on thousands of specialised suppliers, often organised in regional clusters.",
    "agri-food": "Farmers, food processors and retailers: the agri-food ecosystem feeds Europe and is working towards the Farm to Fork targets.",
    "construction": "Construction clusters help companies renovate buildings, use digital building models and low-carbon materials.",
    "cultural-creative": "Design, media, games and heritage: cultural and creative industries grow where clusters connect creators with businesses.",
    "digital": "Software, cloud, data and artificial intelligence: the digital ecosystem both grows on its own and transforms every other one.",
    "electronics": "Microelectronics, photonics and sensors: the electronics ecosystem is at the heart of the European Chips Act.",
    "energy-intensive": "Steel, chemicals, cement, paper and glass: energy-intensive industries are changing their processes to cut emissions.",
    "energy-renewables": "Wind, solar, hydrogen and smart grids: renewable energy clusters bring producers, grid operators and users together.",
    "health": "Pharmaceuticals, medical devices and e-health: health clusters connect hospitals, research and companies.",
    "mobility-transport-automotive": "Cars, rail, logistics and batteries: the mobility ecosystem is moving to zero-emission and connected vehicles.",
    "proximity-social-economy": "Local services, cooperatives and social enterprises: the proximity and social economy ecosystem keeps communities strong.",
    "retail": "Shops and online sellers are adopting e-commerce, new payment tools and circular business models.",
    "textiles": "From fibres to fashion, textile clusters work on circular and smart textiles under the EU Strategy for Sustainable Textiles.",
    "tourism": "Tourism clusters help destinations and small businesses go green, go digital and be more resilient.",
}


def _item(
    page: CountryPage, kind: str, position: int, row: tuple[str, str, str]
) -> CountryPageItem:
    name, description, link = row
    return CountryPageItem(
        page=page, kind=kind, name=name, description=description, link=link, position=position
    )


@transaction.atomic
def demo_countries(*, progress: Callable[[str], Any]) -> None:
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    CountryPage.objects.filter(country__in=[*EU, *STRATEGIC]).delete()
    rows: list[CountryPageItem] = []
    for code, (overview, programmes, support, (office, office_link)) in EU.items():
        page = CountryPage.objects.create(
            country=code, overview=overview, language="en", updated_by=staff
        )
        items = [("programme", p) for p in programmes]
        items += [("support", support)]
        items += [
            (
                "contact",
                (
                    office,
                    "Questions about national cluster support and programmes.",
                    office_link,
                ),
            )
        ]
        rows += [_item(page, kind, n, row) for n, (kind, row) in enumerate(items)]
    for code, (overview, programmes, cooperation) in STRATEGIC.items():
        page = CountryPage.objects.create(
            country=code, overview=overview, language="en", strategic=True, updated_by=staff
        )
        items = [("programme", p) for p in programmes]
        items += [("cooperation", c) for c in cooperation]
        rows += [_item(page, kind, n, row) for n, (kind, row) in enumerate(items)]
    CountryPageItem.objects.bulk_create(rows)
    progress(
        f"Country pages: {len(EU)} EU member states, {len(STRATEGIC)} strategic third countries"
    )


@transaction.atomic
def demo_focus(*, progress: Callable[[str], Any]) -> None:
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    ecosystems = {e.slug: e for e in Ecosystem.objects.all()}
    slugs = [row[0] for row in POLICY_AREAS] + [slug for slug, _name in ECOSYSTEMS]
    FocusPage.objects.filter(slug__in=slugs).delete()
    for position, (slug, title, summary, intro, ecos, tags) in enumerate(POLICY_AREAS):
        page = FocusPage.objects.create(
            slug=slug,
            kind="policy",
            title=title,
            summary=summary,
            intro=intro,
            language="en",
            position=position,
            updated_by=staff,
        )
        page.ecosystems.set([ecosystems[e] for e in ecos if e in ecosystems])
        page.tags.set(Tag.objects.filter(slug__in=tags))
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        intro = ECOSYSTEM_INTROS[slug]
        page = FocusPage.objects.create(
            slug=slug,
            kind="ecosystem",
            title=name,
            summary=intro,
            intro=f"{intro}\n\nThis page gathers the news, open calls, upcoming events and organisations of the **{name}** ecosystem.",
            language="en",
            position=position,
            updated_by=staff,
        )
        if slug in ecosystems:
            page.ecosystems.set([ecosystems[slug]])
    progress(f"In focus: {len(POLICY_AREAS)} policy areas, {len(ECOSYSTEMS)} ecosystem pages")


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_countries(progress=progress)
    demo_focus(progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="hub.demo_countries")
